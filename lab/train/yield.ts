/**
 * Resolves on the next macrotask, so that messages (pause, stop) reach a busy worker between
 * training steps. Why not `setTimeout(0)`: browsers clamp nested timeouts to 4 ms, which would
 * cost more than a small model's step; a MessageChannel message is not clamped.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
