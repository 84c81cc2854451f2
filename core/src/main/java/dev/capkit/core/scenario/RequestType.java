package dev.capkit.core.scenario;

/** What one entry of a scenario's request mix sends. */
public enum RequestType {
  /** An Open-AutoGLM phone-agent step: system prompt, prior turns, the newest screenshot, the task. */
  PHONE_STEP,
  /** A text-only chat completion. */
  CHAT;

  static RequestType parse(String text) {
    return switch (text) {
      case "phone-step" -> PHONE_STEP;
      case "chat" -> CHAT;
      default -> throw new IllegalArgumentException("'" + text + "' is not a request type (known: phone-step, chat)");
    };
  }

  public String key() {
    return this == PHONE_STEP ? "phone-step" : "chat";
  }
}
