package dev.capkit.netem;

import dev.capkit.core.ServeUntilStopped;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

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
    InetSocketAddress listen = null;
    InetSocketAddress upstream = null;
    InetSocketAddress api = null;
    boolean apiOff = false;
    String profile = null;
    Path profiles = null;
    long seed = 1;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag.startsWith("--") ? flag + ": missing value" : "unexpected argument '" + flag + "'");
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--listen" -> listen = HostPort.parse(value).resolve();
          case "--upstream" -> upstream = HostPort.parse(value).resolve();
          case "--api" -> {
            apiOff = value.equals("off");
            api = apiOff ? null : HostPort.parse(value).resolve();
          }
          case "--profile" -> profile = value;
          case "--profiles" -> {
            profiles = Path.of(value);
            if (!Files.isRegularFile(profiles)) {
              throw new IllegalArgumentException("no such file");
            }
          }
          case "--seed" -> seed = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown flag");
        }
      } catch (IllegalArgumentException e) {
        String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
        throw new IllegalArgumentException(flag + " '" + value + "': " + why, e);
      }
    }
    if (listen == null) {
      throw new IllegalArgumentException("--listen is required (e.g. --listen 127.0.0.1:9000)");
    }
    if (upstream == null) {
      throw new IllegalArgumentException("--upstream is required (e.g. --upstream 127.0.0.1:8000)");
    }
    if (api == null && !apiOff) {
      api = HostPort.parse(ControlApi.DEFAULT_ADDRESS).resolve();
    }
    return new Options(listen, upstream, api, profile, profiles, seed);
  }

  static String usage() {
    return "usage: capkit netem --listen 127.0.0.1:PORT --upstream HOST:PORT [--api 127.0.0.1:8474|off]\n"
        + "         [--profile none|vpc-5ms|vpc-20ms|vpc-50ms|cross-region|lossy-mobile|flapping-upstream|flaky-streams]\n"
        + "         [--profiles scenarios/network/network-profiles.json] [--seed 1]";
  }
}
