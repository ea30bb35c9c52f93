package io.vtstatus;

import java.util.List;
import java.util.Map;

/**
 * Your own way of telling an authentic webhook delivery from a forged one, for senders whose
 * scheme is neither Standard Webhooks nor a shared header; given with {@link
 * WebhookOptions#check(WebhookCheck)}. A delivery it accepts may end a watch with what its body
 * says; one it refuses is answered {@code 401} and changes nothing.
 *
 * <pre>{@code
 * WebhookOptions.inbound().check((headers, body) -> mySignature.verifies(headers, body))
 * }</pre>
 *
 * <p>Called on the thread that delivers ({@link StatusClient#acceptWebhook}'s caller, or the
 * built-in listener's), once per delivery, possibly from many threads at once: make it
 * thread-safe and quick. Whatever it throws counts as a refusal (logged with the exception's
 * type only, as its message might quote a secret).
 */
@FunctionalInterface
public interface WebhookCheck {
  /**
   * Whether this delivery comes from the sender you trust.
   *
   * @param headers the request's headers (look names up whatever their case)
   * @param body the body's bytes exactly as received
   * @return true if the delivery is authentic
   */
  boolean authentic(Map<String, List<String>> headers, byte[] body);
}
