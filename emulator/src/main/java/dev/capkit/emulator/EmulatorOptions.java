package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything that configures one emulator. Start from {@link #defaults()} and change fields with
 * the {@code with...} methods:
 *
 * <pre>{@code
 * EmulatorOptions o = EmulatorOptions.defaults().withTier("gn8is.2xlarge").withDtype(Dtype.FP8).withSeed(7);
 * try (EmbeddedEmulator emu = EmbeddedEmulator.start(o)) { ... }
 * }</pre>
 *
 * @param tierId      instance type from tiers.json (default {@code gn7e-c16g1.4xlarge}, one A100 80GB)
 * @param model       model id from models.json (default {@code autoglm-phone-9b})
 * @param dtype       weight precision (default BF16)
 * @param profile     {@code physics} (default) or {@code instant}
 * @param slowdown    multiplies every engine step time (default 1.0; e.g. 1.2 = a 20% regression)
 * @param seed        seeds the answers (lengths, text) and the fault hook
 * @param host        bind address (default 127.0.0.1)
 * @param port        TCP port, 0 = ephemeral (default)
 * @param apiKey      when set, {@code /v1/*} requires {@code Authorization: Bearer <apiKey>}
 * @param catalogDir  catalog directory; null = the catalogs shipped on the classpath
 * @param maxWaiting  waiting-queue bound; beyond it requests get 429 + Retry-After (default 256)
 * @param loading     how long {@code /health} (and the API) answer 503 after start (embedded default 0)
 * @param maxNumSeqs  override of serving.json's max_num_seqs (0 = keep the catalog value)
 * @param brokenStreamFraction test fault hook: this fraction of streamed responses (chosen by seed and
 *                    request id) is cut by closing the connection after half the tokens (default 0)
 * @param vllm        vLLM flags over the catalog's
 * @param maxInFlight the emulator's own bound on requests admitted and not finished (running + waiting + in their
 *                    host-side time); beyond it 429 like a full waiting queue. 0 (default) = from this JVM's heap,
 *                    {@link #heapInFlightLimit()}: it keeps an overloaded emulator serving at its maximum rate instead
 *                    of holding more streams than its heap can (an emulator limit; vLLM has none)
 */
public record EmulatorOptions(
    String tierId,
    String model,
    Dtype dtype,
    Profile profile,
    double slowdown,
    long seed,
    String host,
    int port,
    String apiKey,
    Path catalogDir,
    int maxWaiting,
    Duration loading,
    int maxNumSeqs,
    double brokenStreamFraction,
    dev.capkit.twin.catalog.VllmKnobs vllm,
    int maxInFlight) {

  public static final String DEFAULT_TIER = "gn7e-c16g1.4xlarge";
  public static final String DEFAULT_MODEL = "autoglm-phone-9b";

  public EmulatorOptions {
    if (tierId == null || tierId.isBlank()) {
      throw new IllegalArgumentException("tierId must be set");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must be set");
    }
    if (dtype == null || profile == null || host == null || loading == null) {
      throw new IllegalArgumentException("dtype, profile, host and loading must be set");
    }
    if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
      throw new IllegalArgumentException("slowdown must be a finite number > 0, got " + slowdown);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxWaiting < 1) {
      throw new IllegalArgumentException("maxWaiting must be >= 1, got " + maxWaiting);
    }
    if (loading.isNegative()) {
      throw new IllegalArgumentException("loading must be >= 0, got " + loading);
    }
    if (maxNumSeqs < 0) {
      throw new IllegalArgumentException("maxNumSeqs must be >= 0, got " + maxNumSeqs);
    }
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("maxInFlight must be >= 0 (0 = from the heap), got " + maxInFlight);
    }
    if (!(brokenStreamFraction >= 0 && brokenStreamFraction <= 1)) {
      throw new IllegalArgumentException("brokenStreamFraction must be in [0, 1], got " + brokenStreamFraction);
    }
  }

  /** Embedded defaults: A100 80GB tier, BF16, physics, seed 42, 127.0.0.1:0, no key, no loading period. */
  public static EmulatorOptions defaults() {
    return new EmulatorOptions(DEFAULT_TIER, DEFAULT_MODEL, Dtype.BF16, Profile.PHYSICS, 1.0, 42L, "127.0.0.1", 0,
        null, null, 256, Duration.ZERO, 0, 0.0, dev.capkit.twin.catalog.VllmKnobs.NONE, 0);
  }

  /** Same options with these vLLM flags (over the catalog's; {@code max_num_seqs} here wins over {@link #maxNumSeqs}). */
  public EmulatorOptions withVllm(dev.capkit.twin.catalog.VllmKnobs v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading,
        maxNumSeqs, brokenStreamFraction, v, maxInFlight);
  }

  /** The vLLM flags the emulated server runs with: {@link #vllm} plus {@link #maxNumSeqs} when set. */
  public dev.capkit.twin.catalog.VllmKnobs servingKnobs() {
    return maxNumSeqs > 0 && vllm.maxNumSeqs() == null ? vllm.withMaxNumSeqs(maxNumSeqs) : vllm;
  }

  public EmulatorOptions withTier(String v) {
    return new EmulatorOptions(v, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withModel(String v) {
    return new EmulatorOptions(tierId, v, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withDtype(Dtype v) {
    return new EmulatorOptions(tierId, model, v, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withProfile(Profile v) {
    return new EmulatorOptions(tierId, model, dtype, v, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withSlowdown(double v) {
    return new EmulatorOptions(tierId, model, dtype, profile, v, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withSeed(long v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, v, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withHost(String v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, v, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withPort(int v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, v, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withApiKey(String v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, v, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withCatalogDir(Path v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, v, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withMaxWaiting(int v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, v, loading, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withLoading(Duration v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, v, maxNumSeqs, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withMaxNumSeqs(int v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, v, brokenStreamFraction, vllm, maxInFlight);
  }

  public EmulatorOptions withMaxInFlight(int v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, brokenStreamFraction, vllm, v);
  }

  /** Heap bytes budgeted per request in flight when {@link #maxInFlight} is 0. */
  public static final long IN_FLIGHT_BYTES = 128L << 10;

  /**
   * The in-flight bound from this JVM's heap: max heap / {@value #IN_FLIGHT_BYTES} bytes, at least 1,024 (8,192 with
   * a 1 GiB heap, 16,384 with 2 GiB). An open streamed request held ~12 KB of live heap in the 5,000-stream
   * benchmark (G1: 147 MB -> 51 MB with ~4,300 open); 128 KiB leaves room for the ones decoding and their unsent
   * chunks.
   */
  public static int heapInFlightLimit() {
    return (int) Math.max(1024, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / IN_FLIGHT_BYTES));
  }

  /** {@link #maxInFlight}, or {@link #heapInFlightLimit()} when it is 0. */
  public int effectiveMaxInFlight() {
    return maxInFlight > 0 ? maxInFlight : heapInFlightLimit();
  }

  public EmulatorOptions withBrokenStreamFraction(double v) {
    return new EmulatorOptions(tierId, model, dtype, profile, slowdown, seed, host, port, apiKey, catalogDir, maxWaiting, loading, maxNumSeqs, v, vllm, maxInFlight);
  }
}
