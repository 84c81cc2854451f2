package dev.capkit.llamacpp.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.SlotChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp (build b4916 through de.kherud:llama) serving one GGUF model with continuous
 * batching: {@code parallel} slots, each request a task on llama.cpp's own server queue, every
 * running slot decoded together in each step. Callers block in {@link #complete} on their own
 * thread while tokens arrive; one {@link ResultDispatcher} thread takes every result out of
 * llama.cpp's result queue and hands it to its caller; nothing serializes requests but the slot
 * count. With {@link EngineOptions#computeCpus()}, llama.cpp's compute runs on CPUs of its own
 * ({@link ComputePinning}).
 *
 * <p>The engine hands out llama.cpp's slots itself (a fair queue of free slot numbers, each task
 * posted with its {@code id_slot}): so the number of requests waiting for a slot is known
 * ({@code requests_deferred}; llama.cpp would defer the same requests in the same FIFO order
 * itself), and the dispatcher knows the order of each step's results.
 *
 * <pre>{@code
 * try (var engine = LlamaCppEngine.start(new EngineOptions(gguf, "random-llama", 4, 4096, 2, false))) {
 *   String prompt = engine.chatPrompt(List.of(new ChatMessage("user", "hello")));
 *   CompletionResult r = engine.complete(prompt, engine.tokenize(prompt).length, 16, Sampling.DEFAULT, t -> true);
 * }
 * }</pre>
 */
public final class LlamaCppEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LlamaCppEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EngineOptions options;
  private final LlamaModel model;
  /** The free llama.cpp slots; a fair queue, so requests waiting for one are served in order. */
  private final ArrayBlockingQueue<Integer> freeSlots;
  private final EngineMetrics metrics;
  /** Takes every result out of llama.cpp's result queue, one thread for all streams (why: its javadoc). */
  private final ResultDispatcher dispatcher = new ResultDispatcher();
  /** Where llama.cpp's compute threads run, when the engine was given CPUs for them; null otherwise. */
  private final ComputePinning pinning;

  private LlamaCppEngine(EngineOptions options, LlamaModel model, ComputePinning pinning) {
    this.options = options;
    this.model = model;
    this.pinning = pinning;
    this.freeSlots = new ArrayBlockingQueue<>(options.parallel(), true);
    for (int i = 0; i < options.parallel(); i++) {
      freeSlots.add(i);
    }
    this.metrics = new EngineMetrics(options.context());
  }

  /**
   * Loads the model and starts llama.cpp's task loop.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable or not GGUF (the message names it)
   */
  public static LlamaCppEngine start(EngineOptions options) {
    checkGguf(options);
    ModelParameters params = new ModelParameters()
        .setModel(options.gguf().toString())
        .setParallel(options.parallel())
        .enableContBatching()
        .setCtxSize(options.context())
        .setThreads(options.threads())
        .setThreadsBatch(options.threads());
    if (!options.verbose()) {
      params.disableLog();
    }
    LOG.info("llama.cpp: loading {} with {} slots, context {} ({} per slot), {} threads", options.gguf(),
        options.parallel(), options.context(), options.slotContext(), options.threads());
    try {
      if (options.computeCpus() == null) {
        return new LlamaCppEngine(options, new LlamaModel(params), null);
      }
      CpuList host = ComputePinning.hostCpus(options.computeCpus(), options.threads(), CpuAffinity.allowed());
      ComputePinning.Loaded<LlamaModel> loaded = ComputePinning.load(options.computeCpus(), host,
          () -> new LlamaModel(params));
      LOG.info("llama.cpp: compute on CPUs {} (threads {}), the rest of the engine on CPUs {}", loaded.pinning().compute(),
          loaded.pinning().computeThreads(), host);
      return new LlamaCppEngine(options, loaded.value(), loaded.pinning());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) { // de.kherud.llama.LlamaException is not public
      throw new IllegalArgumentException("--gguf " + options.gguf() + ": llama.cpp could not load it: " + e.getMessage(), e);
    }
  }

  private static void checkGguf(EngineOptions options) {
    var file = options.gguf();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--gguf " + file + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      if (head.length < 4 || ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt() != 0x46554747) {
        throw new IllegalArgumentException("--gguf " + file + ": not a GGUF file (it does not start with \"GGUF\")");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("--gguf " + file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  public EngineOptions options() {
    return options;
  }

  /** Where llama.cpp's compute threads run ({@code --compute-cpus}), or empty when they were not placed. */
  public java.util.Optional<ComputePinning> pinning() {
    return java.util.Optional.ofNullable(pinning);
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  /** The prompt llama.cpp builds from chat messages with the model's chat template (a generation prompt added). */
  public String chatPrompt(List<ChatMessage> messages) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("messages");
    for (ChatMessage m : messages) {
      array.addObject().put("role", m.role()).put("content", m.content());
    }
    return model.applyTemplate(body.toString());
  }

  /** Token ids of {@code text} by the model's tokenizer (special tokens parsed, no BOS: the model adds none). */
  public int[] tokenize(String text) {
    return model.encode(text);
  }

  /**
   * Refuses a request whose prompt plus completion does not fit a slot's context (llama.cpp would
   * otherwise truncate the prompt or shift the context).
   */
  public void checkFits(int promptTokens, int maxTokens) throws PromptTooLongException {
    if (maxTokens < 1 || promptTokens + maxTokens > options.slotContext()) {
      throw new PromptTooLongException("This model's maximum context length is " + options.slotContext()
          + " tokens per slot. However, you requested " + (promptTokens + maxTokens) + " tokens (" + promptTokens
          + " in the messages, " + maxTokens + " in the completion).");
    }
  }

  /**
   * Generates exactly {@code maxTokens} tokens for {@code prompt} (the generated models never end
   * early; another model may, and then fewer are counted), handing each to {@code sink}. Blocks
   * while waiting for a slot and while generating.
   *
   * @param promptTokens {@code tokenize(prompt).length}
   * @throws PromptTooLongException when prompt + maxTokens exceeds a slot's context
   */
  public CompletionResult complete(String prompt, int promptTokens, int maxTokens, Sampling sampling, TokenSink sink)
      throws PromptTooLongException, InterruptedException {
    checkFits(promptTokens, maxTokens);
    metrics.deferredChange(1);
    int slot;
    try {
      slot = freeSlots.take();
    } finally {
      metrics.deferredChange(-1);
    }
    if (!sink.wanted()) {
      freeSlots.add(slot);
      return new CompletionResult(promptTokens, 0, true);
    }
    metrics.processingChange(1);
    metrics.kvChange(promptTokens);
    int generated = 0;
    ResultDispatcher.Stream stream;
    long posted = System.nanoTime();
    try {
      var posting = SlotChoice.inSlot(parameters(prompt, maxTokens, sampling), slot);
      stream = dispatcher.receive(slot, model.generate(posting).iterator(), maxTokens, () -> freeSlots.add(slot));
    } catch (RuntimeException e) {
      metrics.kvChange(-promptTokens);
      metrics.processingChange(-1);
      freeSlots.add(slot);
      throw e;
    }
    try {
      long first = 0;
      long last = 0;
      boolean cancelled = false;
      while (true) {
        ResultDispatcher.Handed out = stream.next();
        if (out.end()) {
          if (out.failure() != null) {
            throw out.failure();
          }
          break;
        }
        last = out.nanos();
        if (generated == 0) {
          first = last;
          metrics.promptDone(promptTokens, first - posted);
        }
        generated++;
        metrics.kvChange(1);
        if (!sink.token(out.text())) {
          stream.cancel(); // the dispatcher cancels the task in llama.cpp and frees the slot at its next turn
          cancelled = true;
          break;
        }
      }
      if (generated > 0) {
        metrics.generationDone(generated, last - first);
      }
      return new CompletionResult(promptTokens, generated, cancelled);
    } catch (InterruptedException | RuntimeException e) {
      stream.cancel();
      throw e;
    } finally {
      metrics.kvChange(-(promptTokens + generated));
      metrics.processingChange(-1);
    }
  }

  private static InferenceParameters parameters(String prompt, int maxTokens, Sampling s) {
    InferenceParameters p = new InferenceParameters(prompt)
        .setNPredict(maxTokens)
        .setCachePrompt(false)
        .setTemperature((float) s.temperature())
        .setTopP((float) s.topP())
        .setFrequencyPenalty((float) s.frequencyPenalty())
        .setPresencePenalty((float) s.presencePenalty());
    if (s.seed() >= 0) {
      p.setSeed((int) s.seed());
    }
    return p;
  }

  @Override
  public void close() {
    dispatcher.close();
    model.close();
  }
}
