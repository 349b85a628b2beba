/**
 * Small shell programs a backend runs inside the sandbox, beside the agent's session (never in
 * it): the agent's cwd, variables or a stuck command can't change what they see, and what they
 * read is the sandbox's own view of the file system (a symlink the agent planted resolves inside
 * the sandbox, not on the host).
 */

/**
 * Prints the work tree's change against a base commit as a git patch, new files included
 * (`.gitignore`d ones left out, as `git add -A` does) and binary files as git binary patches.
 * It stages into a throwaway copy of the index, so the agent's own staging is left as it was.
 * Prefixes and context are spelled out, so a `diff.noprefix` or `diff.context` the agent set in
 * the repository's config can't make a patch that `git apply` (-p1, three lines) refuses.
 * The patch passes through `head -c`, so an enormous change stops git early (it gets SIGPIPE) instead
 * of streaming on; the reader still enforces its own cap, since the sandbox's `head` is not ours.
 * Arguments: base commit, work tree, the most bytes to print.
 */
export const DIFF_SCRIPT = `set -e
cd "$2"
index_copy=$(mktemp)
status_file=$(mktemp)
trap 'rm -f "$index_copy" "$status_file"' EXIT
real_index=$(git rev-parse --git-path index)
if [ -f "$real_index" ]; then cp "$real_index" "$index_copy"; else rm -f "$index_copy"; fi
export GIT_INDEX_FILE="$index_copy"
git add -A
{
  if git diff --cached --binary --no-color --no-ext-diff --no-textconv --src-prefix=a/ --dst-prefix=b/ -U3 "$1"; then status=0; else status=$?; fi
  echo "$status" > "$status_file"
} | head -c "$3"
read -r status < "$status_file"
# 141: git stopped by SIGPIPE once head had printed its share; the reader sees the overflow.
[ "$status" = 0 ] || [ "$status" = 141 ] || exit "$status"
`;

/**
 * git settings for the diff: trust a repository owned by another uid (images built by import),
 * and run no fsmonitor hook the agent may have configured.
 */
export const DIFF_GIT_ENV: Record<string, string> = {
  GIT_CONFIG_COUNT: '2',
  GIT_CONFIG_KEY_0: 'safe.directory',
  GIT_CONFIG_VALUE_0: '*',
  GIT_CONFIG_KEY_1: 'core.fsmonitor',
  GIT_CONFIG_VALUE_1: 'false',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
};

/** Exit statuses of the file scripts, told apart from cat's own failures. */
export const FILE_SCRIPT_STATUS = { missing: 3, directory: 4, notRegular: 5, tooLarge: 6 } as const;

/**
 * Writes the file's bytes to stdout. Arguments: the path, the most bytes the reader takes. Only a
 * regular file (or a symlink to one): `cat` on a fifo the agent made would wait for a writer
 * forever. A file over the limit is refused before a byte is read (a sparse 1 GiB file costs the
 * sandbox nothing and the reader everything); the reader caps the stream as well.
 */
export const READ_FILE_SCRIPT = `[ -d "$1" ] && exit ${FILE_SCRIPT_STATUS.directory}
[ -e "$1" ] || exit ${FILE_SCRIPT_STATUS.missing}
[ -f "$1" ] || exit ${FILE_SCRIPT_STATUS.notRegular}
size=$(stat -L -c %s -- "$1") || exit 1
[ "$size" -gt "$2" ] && exit ${FILE_SCRIPT_STATUS.tooLarge}
exec cat -- "$1"
`;

/**
 * Replaces the file's bytes with stdin, creating missing parent directories. An existing file
 * keeps its mode unless one is given; an existing fifo or device is refused (`cat >` would block
 * on a fifo). Arguments: the path, an octal mode or ''.
 */
export const WRITE_FILE_SCRIPT = `[ -d "$1" ] && exit ${FILE_SCRIPT_STATUS.directory}
[ -e "$1" ] && [ ! -f "$1" ] && exit ${FILE_SCRIPT_STATUS.notRegular}
mkdir -p -- "$(dirname -- "$1")" || exit 1
cat > "$1" || exit 1
if [ -n "$2" ]; then chmod "$2" "$1" || exit 1; fi
exit 0
`;
