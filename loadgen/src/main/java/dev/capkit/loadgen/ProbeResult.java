package dev.capkit.loadgen;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ChatClient#probe()} found out about the target before any load is sent.
 *
 * <p>{@link #ok()} is true when {@code GET /v1/models} answered 200 and, if the server listed its
 * models, the endpoint's model is among them. Otherwise {@link #problem()} is a one-line message
 * meant for the person running the test, e.g.
 * {@code target http://10.0.0.5:8000 answered 401 Unauthorized: check CAPKIT_API_KEY}.
 *
 * <pre>{@code
 * ProbeResult probe = client.probe().join();
 * if (!probe.ok()) {
 *   throw new IllegalStateException(probe.problem());
 * }
 * }</pre>
 *
 * @param httpStatus the status answered, or {@code 0} when no HTTP answer came
 * @param problem    empty when {@link #ok()}, else what is wrong
 * @param models     model ids listed by the server (possibly empty)
 * @param ownedBy    {@code owned_by} of the served model as listed (engine hint), or null
 * @param server     the answer's {@code Server} header, or null
 * @param tls        negotiated TLS protocol and cipher suite, or null over plain HTTP
 */
public record ProbeResult(int httpStatus, String problem, List<String> models, String ownedBy, String server, String tls) {

  public ProbeResult {
    Objects.requireNonNull(problem, "problem");
    models = models == null ? List.of() : List.copyOf(models);
  }

  public ProbeResult(int httpStatus, String problem, List<String> models) {
    this(httpStatus, problem, models, null, null, null);
  }

  public boolean ok() {
    return problem.isEmpty();
  }

  ProbeResult with(String serverHeader, String tlsSession) {
    return new ProbeResult(httpStatus, problem, models, ownedBy, serverHeader, tlsSession);
  }
}
