/**
 * A batch run's sandboxes from a warm pool: the run knows the order it will ask for them in (its
 * instances, each once for eval, `samples` times for a rollout), so the pool starts the next ones
 * while the current ones run, at most `size` ahead, and nothing for instances nobody will ask for.
 * Pre-starting an instance's sandbox may first build its image: that is done ahead too.
 *
 * Each planned use is announced to the pool once, when it comes within `size` of the front of the
 * plan, and taken once; a use the plan did not list is a plain cold start.
 */
import type { SandboxConfig } from '../factory.js';
import type { AcquiredSandbox, WarmPool } from './warm-pool.js';

export interface PlannedSandbox {
  /** What the user will ask for it by (an instance id); repeated for several uses of one config. */
  key: string;
  /** Its sandbox config (the image built or found first). */
  config: () => Promise<SandboxConfig>;
}

type State = 'waiting' | 'announced' | 'taken';

interface Entry extends PlannedSandbox {
  state: State;
}

export class SandboxPlan {
  private entries: Entry[] = [];
  private announced = 0;

  /** `pool` should have `demand: 'expected'`, so only what the plan announces is started. */
  constructor(
    private readonly pool: WarmPool,
    private readonly onError: (error: unknown, key: string) => void = () => undefined,
  ) {}

  /** The uses to come, in the order the run will most likely take them; replaces an earlier plan's untaken ones. */
  plan(uses: readonly PlannedSandbox[]): void {
    this.entries = uses.map((use) => ({ ...use, state: 'waiting' as State }));
    this.announced = 0;
    this.announceAhead();
  }

  /** A sandbox for `key`, whose config is `config`: warm when the plan had it ready. */
  async acquire(key: string, config: SandboxConfig): Promise<AcquiredSandbox> {
    // The first untaken use of this key; announced ones first, as their sandboxes are under way.
    const entry = this.entries.find((item) => item.key === key && item.state === 'announced') ?? this.entries.find((item) => item.key === key && item.state === 'waiting');
    if (entry !== undefined) {
      if (entry.state === 'announced') this.announced -= 1;
      entry.state = 'taken';
    }
    try {
      return await this.pool.acquire(config);
    } finally {
      this.announceAhead();
    }
  }

  private announceAhead(): void {
    for (const entry of this.entries) {
      if (this.announced >= this.pool.size) return;
      if (entry.state !== 'waiting') continue;
      entry.state = 'announced';
      this.announced += 1;
      void entry.config().then(
        (config) => {
          // Taken while its image was being found: the taker's acquire already started its own.
          if (entry.state === 'announced') this.pool.expect(config);
        },
        (error: unknown) => {
          // The use itself will meet the same error and report it; the plan just stops counting it.
          if (entry.state === 'announced') {
            entry.state = 'taken';
            this.announced -= 1;
            this.announceAhead();
          }
          this.onError(error, entry.key);
        },
      );
    }
  }
}
