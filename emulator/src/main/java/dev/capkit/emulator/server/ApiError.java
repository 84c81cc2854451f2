package dev.capkit.emulator.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the server answers with an error, in the OpenAI / vLLM shape:
 * {@code {"error": {"message": ..., "type": "BadRequestError", "param": "max_tokens", "code": 400}}}.
 */
final class ApiError extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;
  private final String type;
  private final String param;

  ApiError(HttpResponseStatus status, String type, String param, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  static ApiError badRequest(String param, String message) {
    return new ApiError(HttpResponseStatus.BAD_REQUEST, "BadRequestError", param, message);
  }

  HttpResponseStatus status() {
    return status;
  }

  String json() {
    return "{\"error\":{\"message\":" + Json.quote(getMessage()) + ",\"type\":" + Json.quote(type)
        + ",\"param\":" + (param == null ? "null" : Json.quote(param)) + ",\"code\":" + status.code() + "}}";
  }
}
