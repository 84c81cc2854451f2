package dev.capkit.llamacpp.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llama.cpp (build b4916 through de.kherud:llama) serving one GGUF model with continuous
 * batching: {@code parallel} slots, each request a task on llama.cpp's own server queue, every
 * running slot decoded together in each step. Callers block in {@link #complete} on their own
 * thread while tokens arrive; nothing serializes them but the slot count.
 *
 * <p>A fair semaphore of {@code parallel} permits stands in front of the task queue so that the
 * number of requests waiting for a slot is known ({@code requests_deferred}); llama.cpp would defer
 * the same requests in the same FIFO order itself.
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
  private final Semaphore slots;
  private final EngineMetrics metrics;
  /**
   * One thread at a time inside llama.cpp's result queue. In b4916, {@code server_response::recv}
   * waits for "queue not empty", not for "my result": a thread whose result is not at hand while
   * another task's is queued spins on the queue's mutex, and with N streams N-1 threads spin
   * against the thread that decodes (measured on 2 cores: 4 streams at ~57 ms per step instead of
   * ~1 ms). Taking results one thread at a time removes that contention. It serializes the
   * hand-over of finished tokens (microseconds each), not their generation: llama.cpp still decodes
   * every running slot in each step.
   */
  private final java.util.concurrent.locks.ReentrantLock receiving = new java.util.concurrent.locks.ReentrantLock(true);

  private LlamaCppEngine(EngineOptions options, LlamaModel model) {
    this.options = options;
    this.model = model;
    this.slots = new Semaphore(options.parallel(), true);
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
      return new LlamaCppEngine(options, new LlamaModel(params));
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
    try {
      slots.acquire();
    } finally {
      metrics.deferredChange(-1);
    }
    if (!sink.wanted()) {
      slots.release();
      return new CompletionResult(promptTokens, 0, true);
    }
    metrics.processingChange(1);
    metrics.kvChange(promptTokens);
    int generated = 0;
    try {
      long posted = System.nanoTime();
      long first = 0;
      long last = 0;
      boolean cancelled = false;
      LlamaIterator tokens = model.generate(parameters(prompt, maxTokens, sampling)).iterator();
      while (tokens.hasNext()) {
        LlamaOutput out;
        receiving.lock();
        try {
          out = tokens.next();
        } finally {
          receiving.unlock();
        }
        if (!tokens.hasNext()) {
          break; // the final result: in stream mode it carries no token of its own
        }
        last = System.nanoTime();
        if (generated == 0) {
          first = last;
          metrics.promptDone(promptTokens, first - posted);
        }
        generated++;
        metrics.kvChange(1);
        if (!sink.token(out.text)) {
          tokens.cancel();
          cancelled = true;
          break;
        }
      }
      if (generated > 0) {
        metrics.generationDone(generated, last - first);
      }
      return new CompletionResult(promptTokens, generated, cancelled);
    } finally {
      metrics.kvChange(-(promptTokens + generated));
      metrics.processingChange(-1);
      slots.release();
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
    model.close();
  }
}
