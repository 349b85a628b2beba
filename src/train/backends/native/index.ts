/**
 * The place of our own fast CPU backend (native kernels under TensorFlow.js, built by node-gyp
 * against OpenBLAS) in the backend ladder. It is built separately; until then this reports that it
 * is not there, and the ladder goes on to the next backend.
 */
export type NativeBackendLoad = { ok: true; name: string } | { ok: false; reason: string };

export async function loadNativeBackend(): Promise<NativeBackendLoad> {
  return { ok: false, reason: 'not built: the native CPU backend is not part of this build yet' };
}
