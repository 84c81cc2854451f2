package dev.capkit.netem;

import dev.capkit.core.ServeUntilStopped;
import dev.capkit.core.cli.CommandLine;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Standalone netem: {@code capkit netem --listen 127.0.0.1:PORT --upstream HOST:PORT
 * [--api 127.0.0.1:8474|off] [--profile vpc-20ms] [--profiles FILE] [--seed N]}. Relays until killed;
 * the toxiproxy-compatible control API changes toxics meanwhile (the proxy is named
 * {@value EmbeddedNetem#PROXY_NAME}). Bad input prints one line naming the flag and value and exits 2.
 *
 * <pre>{@code
 * ./capkit netem --listen 127.0.0.1:9000 --upstream 127.0.0.1:8000 --profile vpc-20ms
 * curl -s 127.0.0.1:8474/proxies/capkit/toxics
 * }</pre>
 */
public final class NetemMain {
  /** Exit status for bad input. */
  public static final int USAGE = 2;

  private NetemMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses, starts and blocks until the JVM is stopped; returns an exit code instead of exiting on bad input. */
  public static int run(String[] args) {
    return run(args, System.out, System.err, true);
  }

  /** Parsed command line. */
  record Options(InetSocketAddress listen, InetSocketAddress upstream, InetSocketAddress api, String profile, Path profiles, long seed) {}

  static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
    Options o;
    NetworkProfile profile;
    try {
      o = parse(args);
      if (o == null) {
        out.println(usage());
        return 0;
      }
      profile = o.profile() == null ? NetworkProfile.none()
          : (o.profiles() == null ? NetworkProfiles.loadDefault() : NetworkProfiles.load(o.profiles())).get(o.profile());
    } catch (IllegalArgumentException | NetworkProfileException e) {
      err.println("capkit netem: " + e.getMessage());
      if (e instanceof IllegalArgumentException) {
        err.println(usage());
      }
      return USAGE;
    }
    EmbeddedNetem netem;
    InetSocketAddress api = null;
    try {
      netem = EmbeddedNetem.start(o.listen(), o.upstream(), o.seed());
    } catch (IllegalStateException e) {
      err.println("capkit netem: --listen " + NetemProxy.hostPort(o.listen()) + ": " + e.getMessage());
      return USAGE;
    }
    try {
      if (o.api() != null) {
        api = netem.startApi(o.api());
      }
      netem.applyProfile(profile);
    } catch (IllegalStateException e) {
      netem.close();
      err.println("capkit netem: --api " + NetemProxy.hostPort(o.api()) + ": " + e.getMessage());
      return USAGE;
    }
    out.println("netem: " + NetemProxy.hostPort(netem.listenAddress()) + " -> " + NetemProxy.hostPort(o.upstream())
        + ", profile " + profile.name() + " (" + profile.toxics().size() + " toxic(s))"
        + (profile.description().isEmpty() ? "" : ": " + profile.description()));
    out.println(api == null ? "netem: control API off"
        : "netem: toxiproxy-compatible control API at http://" + NetemProxy.hostPort(api) + " (proxy '" + EmbeddedNetem.PROXY_NAME + "')");
    out.flush();
    if (!block) {
      netem.close();
      return 0;
    }
    ServeUntilStopped.await(netem, "capkit-netem-shutdown");
    return 0;
  }

  /** Null for --help. */
  static Options parse(String[] args) {
    CommandLine cl = CommandLine.parse(args, List.of("--listen", "--upstream", "--api", "--profile", "--profiles", "--seed"), List.of());
    if (cl.help()) {
      return null;
    }
    if (!cl.positional().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument '" + cl.positional().get(0) + "'");
    }
    InetSocketAddress listen = address(cl, "--listen", "e.g. --listen 127.0.0.1:9000");
    InetSocketAddress upstream = address(cl, "--upstream", "e.g. --upstream 127.0.0.1:8000");
    String apiValue = cl.value("--api").orElse(ControlApi.DEFAULT_ADDRESS);
    InetSocketAddress api = apiValue.equals("off") ? null : address("--api", apiValue);
    Path profiles = cl.path("--profiles").orElse(null);
    if (profiles != null && !Files.isRegularFile(profiles)) {
      throw new IllegalArgumentException("--profiles '" + profiles + "': no such file");
    }
    return new Options(listen, upstream, api, cl.value("--profile").orElse(null), profiles, cl.whole("--seed", 1));
  }

  private static InetSocketAddress address(CommandLine cl, String option, String hint) {
    return address(option, cl.require(option, hint));
  }

  private static InetSocketAddress address(String option, String value) {
    try {
      return HostPort.parse(value).resolve();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " '" + value + "': " + e.getMessage(), e);
    }
  }

  static String usage() {
    return "usage: capkit netem --listen 127.0.0.1:PORT --upstream HOST:PORT [--api 127.0.0.1:8474|off]\n"
        + "         [--profile none|vpc-5ms|vpc-20ms|vpc-50ms|cross-region|lossy-mobile|flapping-upstream|flaky-streams]\n"
        + "         [--profiles scenarios/network/network-profiles.json] [--seed 1]";
  }
}
