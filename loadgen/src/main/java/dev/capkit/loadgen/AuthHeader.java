package dev.capkit.loadgen;

import java.util.Locale;
import java.util.Objects;

/**
 * How the API key travels, in the forms gateways use:
 * <ul>
 *   <li>{@code bearer} (default): {@code Authorization: Bearer <key>} (OpenAI, vLLM {@code --api-key},
 *       SGLang, llama.cpp {@code --api-key}, TGI behind a gateway);
 *   <li>{@code bare}: {@code Authorization: <key>} (gateways that take the token as is);
 *   <li>{@code header:<name>}: {@code <name>: <key>}, e.g. {@code header:api-key} (Azure OpenAI) or
 *       {@code header:x-api-key}.
 * </ul>
 * The key itself is never part of this value: it comes from the environment or a file only.
 *
 * <pre>{@code
 * AuthHeader auth = AuthHeader.parse("header:api-key");
 * String name = auth.headerName();                // "api-key"
 * String value = auth.value(System.getenv("CAPKIT_API_KEY"));
 * }</pre>
 *
 * @param form       {@code bearer}, {@code bare} or {@code header:<name>}, as given
 * @param headerName the header carrying the key
 * @param prefix     text before the key in that header ({@code "Bearer "} or empty)
 */
public record AuthHeader(String form, String headerName, String prefix) {

  public static final AuthHeader BEARER = new AuthHeader("bearer", "Authorization", "Bearer ");
  /** The forms {@link #parse} accepts, for error messages and help. */
  public static final String FORMS = "bearer, bare, header:<name>";

  public AuthHeader {
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(prefix, "prefix");
  }

  /** Parses a form; an unknown one fails with the accepted forms in the message. */
  public static AuthHeader parse(String form) {
    String f = form == null ? "" : form.trim();
    String lower = f.toLowerCase(Locale.ROOT);
    if (lower.equals("bearer")) {
      return BEARER;
    }
    if (lower.equals("bare")) {
      return new AuthHeader("bare", "Authorization", "");
    }
    if (lower.startsWith("header:")) {
      String name = f.substring("header:".length()).trim();
      if (!HeaderNames.isToken(name)) {
        throw new IllegalArgumentException("'" + f + "': '" + name + "' is not an HTTP header name");
      }
      return new AuthHeader("header:" + name, name, "");
    }
    throw new IllegalArgumentException("'" + f + "' is not an auth header form (use one of: " + FORMS + ")");
  }

  /** The header value for {@code apiKey}. */
  public String value(String apiKey) {
    return prefix + apiKey;
  }
}
