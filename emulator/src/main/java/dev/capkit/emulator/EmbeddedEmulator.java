package dev.capkit.emulator;

import dev.capkit.twin.CapacityPredictions;
import dev.capkit.twin.PromptAdmission;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.ServingRefusedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.emulator.runtime.EngineMetrics;
import dev.capkit.core.os.LinuxThreads;
import dev.capkit.core.os.RealtimeGuard;
import dev.capkit.emulator.runtime.RealTimeEngine;
import dev.capkit.emulator.server.OpenAiHttpServer;
import dev.capkit.emulator.server.ServerContext;
import dev.capkit.emulator.server.ServerTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An emulated vLLM server running inside this JVM: a Netty HTTP server on 127.0.0.1 (ephemeral
 * port by default) in front of a real-time continuous-batching engine whose step times follow the
 * chosen tier's GPU.
 *
 * <pre>{@code
 * try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults())) {
 *   URI base = emu.baseUri();          // http://127.0.0.1:43210
 *   String model = emu.modelName();    // autoglm-phone-9b
 *   System.out.println(emu.describe());
 * }
 * }</pre>
 */
public final class EmbeddedEmulator implements AutoCloseable {
  private final EmulatorOptions options;
  private final ServingPlan plan;
  private final EngineMetrics metrics;
  private final RealTimeEngine engine;
  private final OpenAiHttpServer server;
  private final URI baseUri;
  private RealtimeGuard realtimeGuard; // realtime(): set once

  private EmbeddedEmulator(EmulatorOptions options, ServingPlan plan, EngineMetrics metrics, RealTimeEngine engine,
      OpenAiHttpServer server) {
    this.options = options;
    this.plan = plan;
    this.metrics = metrics;
    this.engine = engine;
    this.server = server;
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    this.baseUri = URI.create("http://" + host + ":" + server.port());
  }

  /** Resolves the plan (refusing infeasible configs), binds, and returns once the server answers HTTP. */
  public static EmbeddedEmulator start(EmulatorOptions options) throws ServingRefusedException {
    Catalog catalog;
    try {
      catalog = Catalog.load(options.catalogDir());
    } catch (CatalogException e) {
      throw new ServingRefusedException(e.getMessage(), e);
    }
    ServingPlan plan = ServingPlan.resolve(catalog, options.tierId(), options.model(), options.dtype(), options.servingKnobs(), null);
    EngineMetrics metrics = new EngineMetrics(plan.serving().host(), plan.coefficients());
    dev.capkit.twin.power.GpuPowerCatalog.load(options.catalogDir()).find(plan.gpu().id())
        .ifPresent(power -> metrics.gpu(dev.capkit.emulator.runtime.GpuTelemetry.of(plan, power)));
    ContinuousBatchingEngine core = plan.newEngine(options.slowdown(), options.profile());
    RealTimeEngine engine = new RealTimeEngine(core, metrics, options.maxWaiting(), options.effectiveMaxInFlight(),
        r -> plan.hostSeconds(r.imagePixels(), options.profile()));
    ServerContext context = new ServerContext(plan, new PromptAdmission(plan, options.seed()), engine, metrics,
        options.apiKey(), System.nanoTime() + options.loading().toNanos(), options.seed(),
        options.brokenStreamFraction(), new ObjectMapper());
    OpenAiHttpServer server;
    try {
      server = OpenAiHttpServer.bind(context, options.host(), options.port(), Math.max(1, Runtime.getRuntime().availableProcessors()));
    } catch (InterruptedException e) {
      engine.close();
      Thread.currentThread().interrupt();
      throw new ServingRefusedException("interrupted while binding " + options.host() + ":" + options.port(), e);
    } catch (RuntimeException e) {
      engine.close();
      throw new ServingRefusedException("cannot bind " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    EmbeddedEmulator emulator = new EmbeddedEmulator(options, plan, metrics, engine, server);
    emulator.awaitAnswering();
    return emulator;
  }

  private void awaitAnswering() throws ServingRefusedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(options.host(), server.port()), 1000);
        s.setSoTimeout(1000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /health HTTP/1.1\r\nHost: emulator\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] head = in.readNBytes(12);
        if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1")) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new ServingRefusedException("emulator bound " + baseUri + " but did not answer within 5 s"
        + (last == null ? "" : ": " + last.getMessage()), last);
  }

  public URI baseUri() {
    return baseUri;
  }

  public String modelName() {
    return plan.model().servedModelName();
  }

  public ServingPlan plan() {
    return plan;
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  /** The Netty transport the server runs on (epoll where available, else NIO). */
  public ServerTransport transport() {
    return server.transport();
  }

  public EmulatorOptions options() {
    return options;
  }

  /** One line for logs: tier, GPU, dtype, profile, predicted KV capacity. */
  public String describe() {
    String flags = options.servingKnobs().flags();
    return String.format("emulator %s: tier %s (%s), %s, profile %s%s, modelled KV cache %,d tokens (~%d screenshot steps at once), max_num_seqs %d%s",
        baseUri, plan.tier().id(), plan.gpu().id(), options.dtype().key(), options.profile().key(),
        options.slowdown() == 1.0 ? "" : " x" + options.slowdown(), plan.budget().tokens(),
        plan.maxConcurrentSequences(CapacityPredictions.SCREENSHOT_STEP_TOKENS), plan.serving().maxNumSeqs(),
        flags.isEmpty() ? "" : ", vLLM flags " + flags);
  }

  /**
   * Gives the emulator's timing-critical threads {@code SCHED_FIFO} ({@link LinuxThreads#setFifo}): the worker event loops at
   * {@code priority}, the engine thread one below (at least 1; at a step's end the loops write its tokens while the
   * engine computes the next step, and a waking loop must take the CPU from it). The acceptor, JIT and GC threads
   * stay ordinary. Core's {@link RealtimeGuard} watches these threads: one that saturates its CPU (e.g. a fresh JVM's
   * not yet compiled loop under load, which would starve the JIT compiler that makes it fast) goes back to ordinary
   * scheduling until it is light again. Linux; needs root, {@code CAP_SYS_NICE} or a sufficient {@code RLIMIT_RTPRIO}.
   *
   * @return how many threads were made real-time
   * @throws IllegalArgumentException priority outside 1..99
   * @throws IllegalStateException    when the system refuses (the message says why)
   */
  public synchronized int realtime(int priority) {
    if (priority < 1 || priority > 99) {
      throw new IllegalArgumentException("real-time priority " + priority + ": expected 1..99");
    }
    if (realtimeGuard != null) {
      throw new IllegalStateException("real-time scheduling is already set");
    }
    List<Map.Entry<Thread, Long>> loops = java.util.Collections.synchronizedList(new ArrayList<>()); // thread, tid
    server.onEachWorkerLoop(() -> loops.add(Map.entry(Thread.currentThread(), LinuxThreads.currentTid())));
    List<Map.Entry<Thread, Long>> engineThread = new ArrayList<>(1);
    engine.onEngineThread(() -> engineThread.add(Map.entry(Thread.currentThread(), LinuxThreads.currentTid())));
    RealtimeGuard guard = new RealtimeGuard("emulator --realtime " + priority, RealtimeGuard.Rule.DEFAULT);
    try {
      for (Map.Entry<Thread, Long> loop : loops) {
        guard.add(loop.getKey(), loop.getValue(), priority, true);
      }
      guard.add(engineThread.get(0).getKey(), engineThread.get(0).getValue(), Math.max(1, priority - 1), true);
    } catch (LinuxThreads.RealtimeRefused e) {
      guard.close();
      throw new IllegalStateException(e.getMessage() + " (SCHED_FIFO needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of at least "
          + priority + ")", e);
    }
    realtimeGuard = guard;
    return loops.size() + 1;
  }

  @Override
  public void close() {
    RealtimeGuard guard;
    synchronized (this) {
      guard = realtimeGuard;
    }
    if (guard != null) {
      guard.close();
    }
    server.close();
    engine.close();
  }
}
