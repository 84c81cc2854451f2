package dev.capkit.core.scenario;

/** What one entry of a scenario's request mix sends. */
public enum RequestType {
  /** An Open-AutoGLM phone-agent step: system prompt, prior turns, the newest screenshot, the task. */
  PHONE_STEP,
  /** A text-only chat completion. */
  CHAT,
  /**
   * A text chat sized by one line of the scenario's trace ({@code load.model: "trace"}): the line's
   * prompt and answer lengths, its Mooncake hash ids as shared prompt blocks.
   */
  TRACE,
  /** A phone-agent step taken from recorded sessions ({@code capkit-sessions-v1}, field {@code sessions}). */
  RECORDED_SESSION,
  /** A chat turn taken from recorded conversations ({@code sharegpt-v1}, field {@code chats}). */
  RECORDED_CHAT;

  static RequestType parse(String text) {
    for (RequestType t : values()) {
      if (t.key().equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a request type (known: phone-step, chat, trace,"
        + " recorded-session, recorded-chat)");
  }

  /** The name scenario files and run.json use, e.g. {@code recorded-session}. */
  public String key() {
    return switch (this) {
      case PHONE_STEP -> "phone-step";
      case CHAT -> "chat";
      case TRACE -> "trace";
      case RECORDED_SESSION -> "recorded-session";
      case RECORDED_CHAT -> "recorded-chat";
    };
  }

  /** Whether the requests come from a file the user recorded (sessions, conversations, a trace). */
  public boolean recorded() {
    return this == TRACE || this == RECORDED_SESSION || this == RECORDED_CHAT;
  }
}
