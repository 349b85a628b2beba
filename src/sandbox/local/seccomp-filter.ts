/**
 * The seccomp filter the local backend hands bubblewrap (`--seccomp FD`): a classic BPF program,
 * assembled here so that nothing beyond Node and bwrap is needed (no libseccomp, no compiler, no
 * install script). bwrap loads it, with no_new_privs set, right before it executes the sandboxed
 * program, so it binds everything that program ever starts.
 *
 * It denies (EPERM) the system calls a build or a test suite never needs and that an escape or an
 * attack on the host would: mounting and pivoting file systems, new namespaces and joining others,
 * ptrace and reading other processes' memory, the kernel keyring, loading modules or kernels, BPF,
 * perf, io_uring (whose operations bypass seccomp), userfaultfd, clock and host-name changes, and
 * typing into a terminal (TIOCSTI). `clone` is allowed unless it asks for a new namespace; `clone3`
 * answers ENOSYS, since its flags sit in memory a filter cannot read, so the C library falls back
 * to `clone`. A system call made through another ABI (32-bit `int 0x80`, x32) is denied whole.
 */
import { arch } from 'node:process';

type SyscallName =
  | 'mount' | 'umount2' | 'pivot_root' | 'chroot' | 'swapon' | 'swapoff' | 'reboot' | 'sethostname' | 'setdomainname'
  | 'iopl' | 'ioperm' | 'init_module' | 'finit_module' | 'delete_module' | 'quotactl' | 'acct' | 'settimeofday'
  | 'adjtimex' | 'clock_settime' | 'clock_adjtime' | 'ptrace' | 'process_vm_readv' | 'process_vm_writev' | 'kcmp'
  | 'unshare' | 'setns' | 'keyctl' | 'add_key' | 'request_key' | 'kexec_load' | 'kexec_file_load' | 'bpf'
  | 'perf_event_open' | 'userfaultfd' | 'open_by_handle_at' | 'name_to_handle_at' | 'lookup_dcookie' | 'syslog'
  | 'vhangup' | 'uselib' | 'nfsservctl' | 'fsopen' | 'fsconfig' | 'fsmount' | 'fspick' | 'move_mount' | 'open_tree'
  | 'mount_setattr' | 'io_uring_setup' | 'io_uring_enter' | 'io_uring_register' | 'pidfd_getfd' | 'fanotify_init';

/** The calls denied outright. */
export const DENIED_SYSCALLS: readonly SyscallName[] = [
  'mount', 'umount2', 'pivot_root', 'chroot', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  'unshare', 'setns', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd',
  'keyctl', 'add_key', 'request_key',
  'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load', 'bpf', 'perf_event_open',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'userfaultfd', 'open_by_handle_at', 'name_to_handle_at',
  'lookup_dcookie', 'fanotify_init', 'syslog', 'vhangup', 'uselib', 'nfsservctl', 'quotactl', 'acct', 'swapon', 'swapoff', 'reboot',
  'settimeofday', 'adjtimex', 'clock_settime', 'clock_adjtime', 'sethostname', 'setdomainname', 'iopl', 'ioperm',
];

interface Architecture {
  /** AUDIT_ARCH_* as the kernel puts it in seccomp_data.arch. */
  auditArch: number;
  numbers: Partial<Record<SyscallName | 'clone' | 'clone3' | 'ioctl', number>>;
  /** x86_64's x32 ABI sets this bit in the call number. */
  x32Bit?: number;
}

// From the kernel's unistd headers: x86_64's own table, and the generic table arm64 uses.
const ARCHITECTURES: Record<string, Architecture> = {
  x64: {
    auditArch: 0xc000003e,
    x32Bit: 0x40000000,
    numbers: {
      mount: 165, umount2: 166, pivot_root: 155, chroot: 161, swapon: 167, swapoff: 168, reboot: 169, sethostname: 170,
      setdomainname: 171, iopl: 172, ioperm: 173, init_module: 175, finit_module: 313, delete_module: 176, quotactl: 179,
      acct: 163, settimeofday: 164, adjtimex: 159, clock_settime: 227, clock_adjtime: 305, ptrace: 101, process_vm_readv: 310,
      process_vm_writev: 311, kcmp: 312, unshare: 272, setns: 308, keyctl: 250, add_key: 248, request_key: 249, kexec_load: 246,
      kexec_file_load: 320, bpf: 321, perf_event_open: 298, userfaultfd: 323, open_by_handle_at: 304, name_to_handle_at: 303,
      lookup_dcookie: 212, syslog: 103, vhangup: 153, uselib: 134, nfsservctl: 180, fsopen: 430, fsconfig: 431, fsmount: 432,
      fspick: 433, move_mount: 429, open_tree: 428, mount_setattr: 442, io_uring_setup: 425, io_uring_enter: 426,
      io_uring_register: 427, pidfd_getfd: 438, fanotify_init: 300, clone: 56, clone3: 435, ioctl: 16,
    },
  },
  arm64: {
    auditArch: 0xc00000b7,
    numbers: {
      mount: 40, umount2: 39, pivot_root: 41, chroot: 51, swapon: 224, swapoff: 225, reboot: 142, sethostname: 161,
      setdomainname: 162, init_module: 105, finit_module: 273, delete_module: 106, quotactl: 60, acct: 89, settimeofday: 170,
      adjtimex: 171, clock_settime: 112, clock_adjtime: 266, ptrace: 117, process_vm_readv: 270, process_vm_writev: 271, kcmp: 272,
      unshare: 97, setns: 268, keyctl: 219, add_key: 217, request_key: 218, kexec_load: 104, kexec_file_load: 294, bpf: 280,
      perf_event_open: 241, userfaultfd: 282, open_by_handle_at: 265, name_to_handle_at: 264, lookup_dcookie: 18, syslog: 116,
      vhangup: 58, nfsservctl: 42, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, move_mount: 429, open_tree: 428,
      mount_setattr: 442, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, pidfd_getfd: 438, fanotify_init: 262,
      clone: 220, clone3: 435, ioctl: 29,
    },
  },
};

// Classic BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
// struct seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8 i (low half first on little-endian machines).
const NR_OFFSET = 0;
const ARCH_OFFSET = 4;
const argLowOffset = (index: number): number => 16 + 8 * index;

/** Namespace flags `clone` may not carry: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME. */
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;
/** Pushing characters into a terminal's input, and the Linux console's equivalent. */
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const op = (code: number, k: number, jt = 0, jf = 0): Instruction => ({ code, jt, jf, k });

/** The filter's instructions for one architecture (exported for tests). */
export function seccompInstructions(architecture: Architecture): Instruction[] {
  const deny = op(RET_K, RET_ERRNO | EPERM);
  const allow = op(RET_K, RET_ALLOW);
  const program: Instruction[] = [
    op(LD_W_ABS, ARCH_OFFSET),
    // Another ABI (numbers mean other calls there): skip one instruction only when it is ours.
    op(JEQ_K, architecture.auditArch, 1, 0),
    deny,
    op(LD_W_ABS, NR_OFFSET),
  ];
  if (architecture.x32Bit !== undefined) program.push(op(JGE_K, architecture.x32Bit, 0, 1), deny);
  for (const name of DENIED_SYSCALLS) {
    const number = architecture.numbers[name];
    if (number === undefined) continue;
    // Each test is a pair: jump over the deny unless the number matches. Short jumps only.
    program.push(op(JEQ_K, number, 0, 1), deny);
  }
  const { clone, clone3, ioctl } = architecture.numbers;
  program.push(op(JEQ_K, clone3!, 0, 1), op(RET_K, RET_ERRNO | ENOSYS));
  program.push(op(JEQ_K, clone!, 0, 4), op(LD_W_ABS, argLowOffset(0)), op(JSET_K, CLONE_NAMESPACE_FLAGS, 0, 1), deny, allow);
  program.push(
    op(JEQ_K, ioctl!, 0, 5),
    op(LD_W_ABS, argLowOffset(1)),
    op(JEQ_K, TIOCSTI, 2, 0),
    op(JEQ_K, TIOCLINUX, 1, 0),
    allow,
    deny,
  );
  program.push(allow);
  return program;
}

/** struct sock_filter[] as the kernel reads it: u16 code, u8 jt, u8 jf, u32 k, in host byte order. */
export function encodeInstructions(program: readonly Instruction[]): Buffer {
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((instruction, index) => {
    bytes.writeUInt16LE(instruction.code, index * 8);
    bytes.writeUInt8(instruction.jt, index * 8 + 2);
    bytes.writeUInt8(instruction.jf, index * 8 + 3);
    bytes.writeUInt32LE(instruction.k >>> 0, index * 8 + 4);
  });
  return bytes;
}

/** The compiled filter for this machine, or undefined on an architecture we have no table for. */
export function seccompProgram(machine: string = arch): Buffer | undefined {
  const architecture = ARCHITECTURES[machine];
  return architecture === undefined ? undefined : encodeInstructions(seccompInstructions(architecture));
}
