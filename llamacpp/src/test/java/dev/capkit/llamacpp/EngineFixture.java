package dev.capkit.llamacpp;

import dev.capkit.llamacpp.engine.EngineOptions;
import dev.capkit.llamacpp.engine.LlamaCppEngine;
import dev.capkit.llamacpp.http.EngineHttpServer;
import dev.capkit.llamacpp.model.BpeVocabulary;
import dev.capkit.llamacpp.model.GeneratedModel;
import dev.capkit.llamacpp.model.ModelShape;
import dev.capkit.llamacpp.model.RandomLlamaGguf;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * One engine for a test class: a ~10 M-parameter model generated into a temporary folder, llama.cpp
 * with {@value #PARALLEL} slots and one thread (the machine's other core is the load generator's),
 * the HTTP front on an ephemeral loopback port.
 */
final class EngineFixture implements AutoCloseable {
  static final String MODEL = "capkit-test";
  static final int PARALLEL = 4;
  static final int SLOT_CONTEXT = 512;

  final GeneratedModel model;
  final LlamaCppEngine engine;
  final EngineHttpServer server;
  final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  EngineFixture(Path dir) throws IOException, InterruptedException {
    BpeVocabulary vocab = RandomLlamaGguf.defaultVocabulary();
    ModelShape shape = ModelShape.forParameters(10, vocab.size());
    model = RandomLlamaGguf.write(shape, vocab, 42, dir.resolve(RandomLlamaGguf.fileName(shape, 42)));
    engine = LlamaCppEngine.start(new EngineOptions(model.file(), MODEL, PARALLEL, PARALLEL * SLOT_CONTEXT, 1, false));
    server = EngineHttpServer.bind(engine, "127.0.0.1", 0);
    base = URI.create("http://127.0.0.1:" + server.port());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
    engine.close();
  }
}
