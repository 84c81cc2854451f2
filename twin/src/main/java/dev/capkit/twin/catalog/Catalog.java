package dev.capkit.twin.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.physics.TwinCoefficients;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four editable data files the emulator (and the planner) read: {@code models.json},
 * {@code gpus.json}, {@code tiers.json}, {@code serving.json}. They live in
 * {@code scenarios/catalog/} of the repository and are shipped on the classpath under
 * {@code capkit/catalog/}; a directory given with {@code --catalog DIR} replaces them (all four
 * files must be there).
 *
 * <p>Format (version 1, named in each file's {@code "format"} field, e.g. {@code capkit.catalog.gpus/1}):
 * objects with snake_case fields; every number is either bare or {@code {"value": n, "source": "..."}}.
 * A GPU may say {@code "device": "cpu"} (a CPU as the GPU of the llama.cpp engine: compute capability
 * may then be 0; absent means {@code "gpu"}). A model without {@code vision} (and {@code images}) is
 * text only, its {@code hf_id} optional; {@code text.lm_head_bytes_per_param} (2 or 4, default 2) is the
 * output projection's stored element size; an optional {@code derived} object ({@code parameters},
 * {@code kv_bytes_per_token}, {@code weights_bytes}) must agree with the architecture within 0.5%.
 * Unknown fields (notes, a GPU's {@code measurement} provenance) are ignored.
 *
 * <pre>{@code
 * Catalog catalog = Catalog.load(null);                 // the shipped catalogs
 * TierSpec tier = catalog.tier("gn7i-c8g1.2xlarge");   // CatalogException listing known ids if unknown
 * GpuSpec gpu = catalog.gpu(tier.gpuId());
 * }</pre>
 */
public record Catalog(
    Map<String, ModelArchitecture> models,
    Map<String, GpuSpec> gpus,
    Map<String, TierSpec> tiers,
    ServingConfig serving,
    Map<String, TwinCoefficients> coefficients,
    String origin) {

  public static final String CLASSPATH_DIR = "capkit/catalog/";
  private static final ObjectMapper JSON = new ObjectMapper();

  public Catalog {
    models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    gpus = Collections.unmodifiableMap(new LinkedHashMap<>(gpus));
    tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
    coefficients = Collections.unmodifiableMap(new LinkedHashMap<>(coefficients));
  }

  /** Loads from {@code dir}, or from the classpath copy when {@code dir} is null. */
  public static Catalog load(Path dir) {
    JsonNode models = read(dir, "models.json");
    JsonNode gpus = read(dir, "gpus.json");
    JsonNode tiers = read(dir, "tiers.json");
    JsonNode serving = read(dir, "serving.json");
    String origin = dir == null ? "classpath:" + CLASSPATH_DIR : dir.toAbsolutePath().toString();
    Map<String, GpuSpec> gpuMap = parseGpus(new CatalogNode("gpus.json", "", gpus));
    Map<String, TierSpec> tierMap = parseTiers(new CatalogNode("tiers.json", "", tiers), gpuMap);
    CatalogNode servingNode = new CatalogNode("serving.json", "", serving);
    TwinCoefficients defaults = CoefficientsReader.read(servingNode.child("efficiency"), servingNode.child("host"),
        null, "catalog " + origin + ": serving.json defaults");
    Map<String, TwinCoefficients> perGpu = new LinkedHashMap<>();
    for (CatalogNode g : new CatalogNode("gpus.json", "", gpus).array("gpus")) {
      String id = g.text("id");
      perGpu.put(id, g.node().has("coefficients")
          ? CoefficientsReader.read(g.child("coefficients"), g.child("coefficients"), defaults,
              "catalog " + origin + ": gpus.json " + id + " coefficients over serving.json defaults")
          : defaults);
    }
    return new Catalog(
        parseModels(new CatalogNode("models.json", "", models)),
        gpuMap,
        tierMap,
        parseServing(servingNode),
        perGpu,
        origin);
  }

  /**
   * The serving model's coefficients for one GPU: {@code serving.json}'s {@code efficiency} and
   * {@code host} defaults, with whatever the GPU's {@code coefficients} object in {@code gpus.json}
   * sets. A calibration profile can override them ({@link CalibrationProfile#applyTo}).
   */
  public TwinCoefficients coefficients(String gpuId) {
    return lookup(coefficients, gpuId, "GPU", "gpus.json");
  }

  public TierSpec tier(String id) {
    return lookup(tiers, id, "tier", "tiers.json");
  }

  public GpuSpec gpu(String id) {
    return lookup(gpus, id, "GPU", "gpus.json");
  }

  public ModelArchitecture model(String id) {
    return lookup(models, id, "model", "models.json");
  }

  /**
   * The catalog's model that a server answered as {@code name}: the entry whose {@code id} or
   * {@code served_model_name} is {@code name}; empty when the catalog does not know it.
   */
  public java.util.Optional<ModelArchitecture> servedModel(String name) {
    if (name == null) {
      return java.util.Optional.empty();
    }
    ModelArchitecture byId = models.get(name);
    if (byId != null) {
      return java.util.Optional.of(byId);
    }
    return models.values().stream().filter(m -> name.equals(m.servedModelName())).findFirst();
  }

  private static <T> T lookup(Map<String, T> map, String id, String what, String file) {
    T value = map.get(id);
    if (value == null) {
      throw new CatalogException("unknown " + what + " '" + id + "' (" + file + " knows: " + String.join(", ", map.keySet()) + ")");
    }
    return value;
  }

  private static JsonNode read(Path dir, String name) {
    try {
      if (dir != null) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
          throw new CatalogException(file + ": catalog file not found (a catalog directory needs models.json, gpus.json, tiers.json, serving.json)");
        }
        return JSON.readTree(file.toFile());
      }
      try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(CLASSPATH_DIR + name)) {
        if (in == null) {
          throw new CatalogException("classpath:" + CLASSPATH_DIR + name + ": catalog resource missing from the emulator jar");
        }
        return JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new CatalogException((dir == null ? "classpath:" + CLASSPATH_DIR : dir + "/") + name + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Map<String, ModelArchitecture> parseModels(CatalogNode root) {
    Map<String, ModelArchitecture> out = new LinkedHashMap<>();
    for (CatalogNode m : root.array("models")) {
      ModelArchitecture model = m.node().has("vision") ? visionModel(m) : textModel(m);
      checkDerived(m, model);
      out.put(model.id(), model);
    }
    return out;
  }

  /** A vision-language model: {@code text}, {@code vision} and {@code images} objects. */
  private static ModelArchitecture visionModel(CatalogNode m) {
    CatalogNode text = m.child("text");
    CatalogNode vision = m.child("vision");
    CatalogNode images = m.child("images");
    ModelArchitecture.ImageTokenSpec imageSpec = new ModelArchitecture.ImageTokenSpec(
        vision.positiveInt("patch_size"), vision.positiveInt("spatial_merge_size"),
        images.positiveLong("min_pixels"), images.positiveLong("max_pixels"),
        images.positiveInt("pixels_per_token"), (int) images.nonNegative("extra_tokens_per_image"));
    return new ModelArchitecture(
        m.text("id"), m.text("served_model_name"), m.text("hf_id"),
        text.positiveInt("layers"), text.positiveInt("hidden_size"), text.positiveInt("attention_heads"),
        text.positiveInt("kv_heads"), text.positiveInt("head_dim"), text.positiveInt("intermediate_size"),
        text.positiveInt("vocab_size"), text.bool("tied_embeddings"),
        vision.positiveInt("depth"), vision.positiveInt("hidden_size"),
        vision.positiveLong("tower_params"), vision.positiveLong("merger_params"), imageSpec, lmHeadBytes(text));
  }

  /** A text-only model (no {@code vision}): no vision parameters, images never applied. */
  private static ModelArchitecture textModel(CatalogNode m) {
    CatalogNode text = m.child("text");
    return new ModelArchitecture(
        m.text("id"), m.text("served_model_name"), m.node().has("hf_id") ? m.text("hf_id") : m.text("id"),
        text.positiveInt("layers"), text.positiveInt("hidden_size"), text.positiveInt("attention_heads"),
        text.positiveInt("kv_heads"), text.positiveInt("head_dim"), text.positiveInt("intermediate_size"),
        text.positiveInt("vocab_size"), text.bool("tied_embeddings"), 0, 0, 0, 0, ModelArchitecture.NO_IMAGES, lmHeadBytes(text));
  }

  /** {@code text.lm_head_bytes_per_param}: 2 (16-bit, the default) or 4 (F32). */
  private static double lmHeadBytes(CatalogNode text) {
    if (!text.node().has("lm_head_bytes_per_param")) {
      return 2.0;
    }
    double b = text.positive("lm_head_bytes_per_param");
    if (b != 2 && b != 4) {
      throw text.error("lm_head_bytes_per_param", "expected 2 (16-bit) or 4 (F32)", text.node().get("lm_head_bytes_per_param"));
    }
    return b;
  }

  /**
   * An optional {@code derived} object states figures that follow from the architecture
   * ({@code kv_bytes_per_token} with a 16-bit KV cache, {@code weights_bytes} as stored in 16 bits,
   * {@code parameters}); each stated one must agree with what the catalog computes from the
   * architecture fields (within 0.5%: normalization vectors and biases are not modelled), so a typo
   * in a shape field cannot pass unnoticed.
   */
  private static void checkDerived(CatalogNode m, ModelArchitecture model) {
    if (!m.node().has("derived")) {
      return;
    }
    CatalogNode d = m.child("derived");
    agree(d, "kv_bytes_per_token", model.kvBytesPerToken(dev.capkit.twin.physics.Dtype.HALF_BYTES));
    agree(d, "weights_bytes", dev.capkit.twin.physics.Dtype.BF16.weightBytes(model));
    agree(d, "parameters", model.storedParams());
  }

  private static void agree(CatalogNode d, String field, double computed) {
    if (!d.node().has(field)) {
      return;
    }
    double stated = d.positive(field);
    if (Math.abs(stated - computed) > 0.005 * computed) {
      throw d.error(field, String.format(java.util.Locale.ROOT, "expected %.0f as the architecture fields give (within 0.5%%)",
          computed), d.node().get(field));
    }
  }

  private static Map<String, GpuSpec> parseGpus(CatalogNode root) {
    Map<String, GpuSpec> out = new LinkedHashMap<>();
    for (CatalogNode g : root.array("gpus")) {
      String device = g.node().has("device") ? g.text("device") : GpuSpec.GPU;
      if (!device.equals(GpuSpec.GPU) && !device.equals(GpuSpec.CPU)) {
        throw g.error("device", "expected \"gpu\" or \"cpu\"", g.node().get("device"));
      }
      GpuSpec gpu = new GpuSpec(g.text("id"), g.text("name"), g.positive("vram_gib"), g.positive("mem_bandwidth_gbps"),
          g.positive("fp16_tflops"), g.nonNegative("bf16_tflops"), g.nonNegative("fp8_tflops"),
          device.equals(GpuSpec.CPU) ? g.nonNegative("compute_capability") : g.positive("compute_capability"), device);
      out.put(gpu.id(), gpu);
    }
    return out;
  }

  private static Map<String, TierSpec> parseTiers(CatalogNode root, Map<String, GpuSpec> gpus) {
    Map<String, TierSpec> out = new LinkedHashMap<>();
    List<CatalogNode> items = root.array("tiers");
    for (CatalogNode t : items) {
      String gpu = t.text("gpu");
      if (!gpus.containsKey(gpu)) {
        throw new CatalogException("tiers.json: " + t.path() + ".gpu: unknown GPU '" + gpu + "' (gpus.json knows: "
            + String.join(", ", gpus.keySet()) + ")");
      }
      double price = t.optional("price_per_hour");
      if (!Double.isNaN(price) && price < 0) {
        throw t.error("price_per_hour", "expected a number >= 0 or null", t.node().get("price_per_hour"));
      }
      dev.capkit.twin.physics.Interconnect link = dev.capkit.twin.physics.Interconnect.NONE;
      if (t.node().has("interconnect")) {
        CatalogNode i = t.child("interconnect");
        String kind = i.text("kind");
        if (!kind.equals("nvlink") && !kind.equals("pcie")) {
          throw i.error("kind", "expected nvlink or pcie", i.node().get("kind"));
        }
        link = new dev.capkit.twin.physics.Interconnect(kind, i.positive("gbps_per_gpu") * 1e9, i.positive("allreduce_latency_us") / 1e6);
      }
      TierSpec tier = new TierSpec(t.text("id"), t.text("family"), gpu, t.positiveInt("gpus"), t.positiveInt("vcpu"),
          t.positive("memory_gib"), price, link);
      out.put(tier.id(), tier);
    }
    return out;
  }

  /** A whole number > 0, or null meaning "vLLM's default for the GPU class" (returned as 0). */
  private static int autoInt(CatalogNode node, String field) {
    return Double.isNaN(node.optional(field)) ? 0 : node.positiveInt(field);
  }

  /** {@code serving.json} as configured for one GPU: "auto" batching limits resolved to vLLM's defaults for its class. */
  public ServingConfig serving(String gpuId) {
    return serving.forGpu(gpu(gpuId));
  }

  private static ServingConfig parseServing(CatalogNode root) {
    CatalogNode v = root.child("vllm");
    CatalogNode e = root.child("efficiency");
    CatalogNode h = root.child("host");
    double utilization = v.positive("gpu_memory_utilization");
    if (utilization > 1) {
      throw v.error("gpu_memory_utilization", "expected a fraction in (0, 1]", v.node().get("gpu_memory_utilization"));
    }
    HostProfile host = new HostProfile(h.nonNegative("base_rss_gib"), h.nonNegative("rss_per_image_request_mib"),
        h.nonNegative("rss_per_text_request_mib"), h.nonNegative("tokenize_us_per_char"),
        h.nonNegative("scheduler_us_per_step"), h.nonNegative("scheduler_us_per_seq"));
    return new ServingConfig(utilization, v.positiveInt("block_size"), autoInt(v, "max_num_seqs"),
        autoInt(v, "max_num_batched_tokens"), v.positiveInt("max_model_len"), v.positiveInt("max_images_per_prompt"), v.bool("enable_prefix_caching"),
        e.nonNegative("non_kv_overhead_gib"), host);
  }
}
