package dev.capkit.llamacpp.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;

/** An OpenAI-style error response: {@code {"error":{"message","type","param","code"}}}. */
final class ApiError extends Exception {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpResponseStatus status;
  private final String type;
  private final String param;

  ApiError(HttpResponseStatus status, String type, String param, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  static ApiError badRequest(String param, String message) {
    return new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", param, message);
  }

  HttpResponseStatus status() {
    return status;
  }

  String json() {
    var root = JSON.createObjectNode();
    var error = root.putObject("error");
    error.put("message", getMessage()).put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    error.put("code", status.code());
    return root.toString();
  }
}
