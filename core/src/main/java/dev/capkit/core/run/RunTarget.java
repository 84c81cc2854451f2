package dev.capkit.core.run;

import java.net.URI;
import java.util.Map;

/**
 * What a run sends to: a real endpoint ({@code -Dcapkit.target=URL}) or, when none is given, the
 * embedded emulator. The one place target settings live (TLS, authentication and engine options go
 * here too).
 *
 * @param url    the endpoint's base URL without {@code /v1}, or null for the embedded emulator
 * @param kind   {@code remote}, or {@code emulator} when {@code ./capkit split} points its injectors at
 *               the standalone emulator it started ({@code -Dcapkit.targetKind=emulator})
 * @param apiKey   bearer token (file {@code -Dcapkit.apiKeyFile}, else environment {@code CAPKIT_API_KEY}; never a property); may be null
 * @param tier     the hardware tier the target runs on ({@code -Dcapkit.tier}); null when not given
 * @param endpoint how the endpoint is reached, as given (prefix {@code capkit.} removed): {@code apiKeyFile},
 *                 {@code auth}, {@code caBundle}, {@code insecure}, {@code proxy}, {@code header.<Name>},
 *                 {@code exactOutputLengths}; parsed and validated by loadgen's {@code EndpointProperties}
 */
public record RunTarget(URI url, String kind, String apiKey, String tier, Map<String, String> endpoint) {

  public RunTarget {
    endpoint = endpoint == null ? Map.of() : Map.copyOf(endpoint);
  }

  /** A target reached with default settings (no TLS options, bearer auth, no proxy). */
  public RunTarget(URI url, String kind, String apiKey, String tier) {
    this(url, kind, apiKey, tier, Map.of());
  }

  /** Whether the run starts its own embedded emulator (no {@code -Dcapkit.target}). */
  public boolean embedded() {
    return url == null;
  }

  /** Whether the target is capkit's emulator (embedded, or the standalone one of {@code ./capkit split}). */
  public boolean emulator() {
    return url == null || "emulator".equals(kind);
  }
}
