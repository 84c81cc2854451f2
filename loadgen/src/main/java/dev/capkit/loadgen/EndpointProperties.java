package dev.capkit.loadgen;

import dev.capkit.core.scenario.ScenarioException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The endpoint settings of a run, read once from {@code -Dcapkit.*} properties and the environment;
 * a bad value fails with a {@link ScenarioException} naming the property and the value (exit 2).
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><td>{@code CAPKIT_API_KEY} (environment)</td><td>the API key</td></tr>
 *   <tr><td>{@code capkit.apiKeyFile}</td><td>file holding the API key on its first line (giving
 *       both this and the environment variable is an error)</td></tr>
 *   <tr><td>{@code capkit.auth}</td><td>{@code bearer} (default), {@code bare}, {@code header:<name>} ({@link AuthHeader})</td></tr>
 *   <tr><td>{@code capkit.header.<Name>}</td><td>an extra header sent with every request, e.g.
 *       {@code -Dcapkit.header.X-Tenant=load-test}</td></tr>
 *   <tr><td>{@code capkit.caBundle}</td><td>PEM file of CA certificates to trust for {@code https://}</td></tr>
 *   <tr><td>{@code capkit.insecure}</td><td>{@code true}: accept any certificate (recorded in run.json)</td></tr>
 *   <tr><td>{@code capkit.proxy}</td><td>{@code http://host:port} of an HTTP proxy</td></tr>
 * </table>
 * The key is never read from a flag ({@code -Dcapkit.apiKey} is refused): process listings show
 * flags. Nothing here prints it; {@link #toString()} and {@link #describe()} never contain it.
 *
 * <pre>{@code
 * EndpointProperties ep = EndpointProperties.from(System.getProperties(), System.getenv());
 * var endpoint = new ChatEndpoint(base, model, ep.apiKey(), timeouts, ep.options());
 * }</pre>
 *
 * @param apiKey    the key, or null
 * @param keySource where the key came from ({@code CAPKIT_API_KEY}, {@code file <path>}) or {@code none}
 * @param options   TLS, auth form, extra headers, proxy
 */
public record EndpointProperties(String apiKey, String keySource, EndpointOptions options) {

  public static final String ENV_KEY = "CAPKIT_API_KEY";
  private static final String HEADER_PREFIX = "capkit.header.";

  /** Reads the settings from {@code capkit.*} properties; errors name the property and value (never the key). */
  public static EndpointProperties from(Properties props, Map<String, String> env) {
    Map<String, String> settings = new TreeMap<>();
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith("capkit.")) {
        settings.put(name.substring("capkit.".length()), props.getProperty(name));
      }
    }
    return from(settings, env);
  }

  /**
   * Reads the settings from {@code settings} (property names without {@code capkit.}, as core's
   * {@code RunTarget.endpoint()} holds them); {@code env} supplies {@code CAPKIT_API_KEY}.
   */
  public static EndpointProperties from(Map<String, String> settings, Map<String, String> env) {
    Properties props = new Properties();
    settings.forEach((k, v) -> props.setProperty("capkit." + k, v));
    if (props.getProperty("capkit.apiKey") != null) {
      throw new ScenarioException("-Dcapkit.apiKey", "", "an API key is never taken from a command-line flag (process "
          + "listings show flags): export " + ENV_KEY + " or give -Dcapkit.apiKeyFile=<file>");
    }
    String keyFile = props.getProperty("capkit.apiKeyFile");
    String envKey = env.get(ENV_KEY);
    String apiKey = null;
    String source = "none";
    if (keyFile != null && envKey != null && !envKey.isBlank()) {
      throw new ScenarioException("-Dcapkit.apiKeyFile", "", "both " + ENV_KEY + " and -Dcapkit.apiKeyFile=" + keyFile
          + " are set: give one");
    }
    if (keyFile != null) {
      apiKey = readKey(keyFile);
      source = "file " + Path.of(keyFile).toAbsolutePath();
    } else if (envKey != null && !envKey.isBlank()) {
      apiKey = envKey.strip();
      source = ENV_KEY;
    }
    AuthHeader auth;
    try {
      auth = AuthHeader.parse(props.getProperty("capkit.auth", "bearer"));
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("-Dcapkit.auth", "", e.getMessage());
    }
    TlsSettings tls = tls(props);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith(HEADER_PREFIX)) {
        headers.put(name.substring(HEADER_PREFIX.length()), props.getProperty(name));
      }
    }
    URI proxy = null;
    String proxyProp = props.getProperty("capkit.proxy");
    if (proxyProp != null && !proxyProp.isBlank()) {
      try {
        proxy = URI.create(proxyProp.trim());
      } catch (IllegalArgumentException e) {
        throw new ScenarioException("-Dcapkit.proxy", "", "'" + proxyProp + "' is not a URL (use http://host:port)");
      }
    }
    try {
      return new EndpointProperties(apiKey, source, new EndpointOptions(tls, auth, new LinkedHashMap<>(headers), proxy, null));
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().startsWith("extra header '")
          ? "-D" + HEADER_PREFIX + e.getMessage().substring("extra header '".length()).split("'")[0] : "-Dcapkit.proxy";
      throw new ScenarioException(field, "", e.getMessage());
    }
  }

  private static TlsSettings tls(Properties props) {
    String insecure = props.getProperty("capkit.insecure", "false").trim().toLowerCase(Locale.ROOT);
    if (!insecure.equals("true") && !insecure.equals("false")) {
      throw new ScenarioException("-Dcapkit.insecure", "", "'" + insecure + "' is not true or false");
    }
    String bundle = props.getProperty("capkit.caBundle");
    if (bundle != null && insecure.equals("true")) {
      throw new ScenarioException("-Dcapkit.insecure", "", "true together with -Dcapkit.caBundle=" + bundle
          + ": give one of them");
    }
    if (bundle == null) {
      return insecure.equals("true") ? TlsSettings.insecureOptIn() : TlsSettings.DEFAULT;
    }
    TlsSettings tls = TlsSettings.caBundle(Path.of(bundle));
    try {
      tls.clientContext(); // reads the file now: a bad bundle is bad input, not a failed run
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("-Dcapkit.caBundle", "", e.getMessage());
    }
    return tls;
  }

  private static String readKey(String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      String key = text.lines().findFirst().orElse("").strip();
      if (key.isEmpty()) {
        throw new ScenarioException("-Dcapkit.apiKeyFile", "", file + ": empty (expected the key on the first line)");
      }
      return key;
    } catch (IOException e) {
      throw new ScenarioException("-Dcapkit.apiKeyFile", "", file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** What a run records of how the target was reached: auth form and key source, trust, proxy, extra header names. */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("auth", apiKey == null ? "none" : options.auth().headerName() + (options.auth().prefix().isEmpty() ? "" : ": "
        + options.auth().prefix().trim()) + " (" + options.auth().form() + ", key from " + keySource + ")");
    m.putAll(options.tls().describe());
    if (options.proxy() != null) {
      m.put("proxy", options.proxy().toString());
    }
    if (!options.extraHeaders().isEmpty()) {
      m.put("extraHeaders", String.join(", ", options.extraHeaders().keySet()) + " (values not recorded)");
    }
    return m;
  }

  @Override
  public String toString() {
    return "EndpointProperties[key from " + keySource + ", " + describe() + "]";
  }
}
