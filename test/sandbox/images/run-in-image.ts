/** Runs a short script in a throw-away container and returns its output (tests only). */
import type Docker from 'dockerode';

export async function runInImage(docker: Docker, image: string, script: string): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: ['bash', '-c', script], Tty: true, NetworkDisabled: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString();
  } finally {
    await container.remove({ force: true });
  }
}
