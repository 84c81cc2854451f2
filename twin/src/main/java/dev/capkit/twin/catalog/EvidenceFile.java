package dev.capkit.twin.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.evidence.Measurement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Published measurements of LLM servers that the twin's constants are checked against
 * ({@code scenarios/catalog/evidence/vllm-measurements.json}).
 *
 * <p>Format {@code capkit.evidence/1}:
 * <pre>{@code
 * {
 *   "format": "capkit.evidence/1",
 *   "models": [ {"id": "llama-3.1-8b", "hf_id": "meta-llama/Llama-3.1-8B-Instruct", "source": "HF config.json",
 *                "layers": 32, "hidden_size": 4096, "attention_heads": 32, "kv_heads": 8, "head_dim": 128,
 *                "intermediate_size": 14336, "vocab_size": 128256, "tied_embeddings": false} ],
 *   "measurements": [ {
 *     "id": "a100-40-llama8b-c1",                      // unique
 *     "url": "https://...", "title": "...",            // where it was published
 *     "engine": "vllm 0.23.0",                         // engine and version as the source states it
 *     "model": "llama-3.1-8b",                         // a model above (text-only architecture)
 *     "gpu": "A100-40GB",                              // a GPU id of gpus.json
 *     "dtype": "bf16",                                 // bf16 | fp8 | int4
 *     "concurrency": 1,                                // in flight (closed loop); 0 = all at once
 *     "requests": 20, "prompt_tokens": 1024, "output_tokens": 128,
 *     "metric": "decode_tokens_per_second",            // Measurement.Metric keys
 *     "value": 75,
 *     "quote": "decode at one request per time runs at about 75 tokens/sec",
 *     "assumption": "",                                // what the prediction assumes where the source is silent
 *     "shared_prompt": false,                          // optional: all requests send the identical prompt
 *     "outlier_cause": "",                             // optional: named cause the model does not cover
 *     "fitted": "mbu"                                  // optional: coefficients fitted to this measurement
 *   } ]
 * }
 * }</pre>
 * Errors name file, field and value ({@link CatalogException}).
 */
public record EvidenceFile(Map<String, ModelArchitecture> models, List<Measurement> measurements) {

  public static final String FORMAT = "capkit.evidence/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  public EvidenceFile {
    models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    measurements = List.copyOf(measurements);
  }

  public static EvidenceFile read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new CatalogException(file + ": cannot read evidence file: " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
    CatalogNode node = new CatalogNode(name, "", root);
    JsonNode format = root.get("format");
    if (format == null || !FORMAT.equals(format.asText())) {
      throw node.error("format", "expected \"" + FORMAT + "\"", format);
    }
    Map<String, ModelArchitecture> models = new LinkedHashMap<>();
    ModelArchitecture.ImageTokenSpec noImages = new ModelArchitecture.ImageTokenSpec(1, 1, 1, 1, 1, 0);
    for (CatalogNode m : node.array("models")) {
      ModelArchitecture model = new ModelArchitecture(m.text("id"), m.text("id"), m.text("hf_id"),
          m.positiveInt("layers"), m.positiveInt("hidden_size"), m.positiveInt("attention_heads"),
          m.positiveInt("kv_heads"), m.positiveInt("head_dim"), m.positiveInt("intermediate_size"),
          m.positiveInt("vocab_size"), m.bool("tied_embeddings"), 1, 1, 0, 0, noImages);
      models.put(model.id(), model);
    }
    List<Measurement> out = new ArrayList<>();
    for (CatalogNode x : node.array("measurements")) {
      String model = x.text("model");
      if (!models.containsKey(model)) {
        throw x.error("model", "unknown model (models: " + String.join(", ", models.keySet()) + ")", x.node().get("model"));
      }
      Measurement.Metric metric = Measurement.Metric.parse(x.text("metric"));
      if (metric == null) {
        throw x.error("metric", "unknown metric", x.node().get("metric"));
      }
      out.add(new Measurement(x.text("id"), x.text("url"), x.text("title"), x.text("engine"), model, x.text("gpu"),
          x.text("dtype"), (int) x.nonNegative("concurrency"), x.positiveInt("requests"), x.positiveInt("prompt_tokens"),
          x.positiveInt("output_tokens"), metric, x.positive("value"), x.text("quote"),
          x.node().has("assumption") ? x.node().get("assumption").asText() : "",
          x.node().path("shared_prompt").asBoolean(false),
          x.node().has("outlier_cause") ? x.node().get("outlier_cause").asText() : "",
          x.node().has("fitted") ? x.node().get("fitted").asText() : ""));
    }
    return new EvidenceFile(models, out);
  }
}
