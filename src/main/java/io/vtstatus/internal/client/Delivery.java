package io.vtstatus.internal.client;

import java.util.List;
import java.util.Map;

/**
 * A webhook delivery as received, headers and body bytes untouched: what the application relays
 * to the replica that watches its job (which verifies it again).
 */
record Delivery(Map<String, List<String>> headers, byte[] body) {}
