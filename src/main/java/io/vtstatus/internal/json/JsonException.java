package io.vtstatus.internal.json;

import java.io.IOException;

/** The one exception {@link Json#parse} throws: the text is not JSON we accept. */
public final class JsonException extends IOException {
  private static final long serialVersionUID = 1L;

  public JsonException(String message) {
    super(message);
  }
}
