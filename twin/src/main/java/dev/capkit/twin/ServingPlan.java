package dev.capkit.twin;

import dev.capkit.twin.answers.AnswerLength;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.GpuSpec;
import dev.capkit.twin.catalog.ModelArchitecture;
import dev.capkit.twin.catalog.ServingConfig;
import dev.capkit.twin.catalog.TierSpec;
import dev.capkit.twin.catalog.VllmKnobs;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.ImageTokenRule;
import dev.capkit.twin.physics.KvCacheBudget;
import dev.capkit.twin.physics.StepCostModel;
import dev.capkit.twin.physics.TwinCoefficients;
import java.util.ArrayList;
import java.util.List;

/**
 * A model served in one dtype on one tier, checked like vLLM's start-up: the catalog entries, the
 * KV budget and the step-cost model. {@link #resolve} refuses what vLLM would refuse.
 *
 * <p>Timing uses {@link #coefficients()}: the catalog's for the GPU ({@code Catalog#coefficients}),
 * or an override such as a calibration profile applied to them
 * ({@code CalibrationProfile#applyTo}); {@code coefficients().source()} names which, so every
 * prediction made with the plan can say what it rests on.
 *
 * <pre>{@code
 * ServingPlan plan = ServingPlan.resolve(Catalog.load(null), "gn6i-c4g1.xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
 * // ServingRefusedException: cannot serve autoglm-phone-9b in bf16 on gn6i-c4g1.xlarge (T4): weights 19.2 GiB ...
 * }</pre>
 */
public record ServingPlan(
    TierSpec tier, GpuSpec gpu, ModelArchitecture model, Dtype dtype, ServingConfig serving, KvCacheBudget budget,
    TwinCoefficients coefficients, AnswerLength answers) {

  public ServingPlan {
    java.util.Objects.requireNonNull(answers, "answers");
  }

  /** A plan whose answers have the model's own (estimated) lengths ({@link AnswerLength#MODEL}). */
  public ServingPlan(TierSpec tier, GpuSpec gpu, ModelArchitecture model, Dtype dtype, ServingConfig serving,
      KvCacheBudget budget, TwinCoefficients coefficients) {
    this(tier, gpu, model, dtype, serving, budget, coefficients, AnswerLength.MODEL);
  }

  /** The same plan with another answer-length model (e.g. {@code fill-max-tokens} for capkit's generated llama.cpp model). */
  public ServingPlan withAnswers(AnswerLength value) {
    return new ServingPlan(tier, gpu, model, dtype, serving, budget, coefficients, value);
  }

  /** The same plan with other timing coefficients. */
  public ServingPlan withCoefficients(TwinCoefficients value) {
    return new ServingPlan(tier, gpu, model, dtype, serving, budget, value, answers);
  }

  /** Resolves with the catalog's coefficients for the tier's GPU. */
  public static ServingPlan resolve(Catalog catalog, String tierId, String modelId, Dtype dtype, int maxNumSeqs)
      throws ServingRefusedException {
    return resolve(catalog, tierId, modelId, dtype, maxNumSeqs, null);
  }

  /**
   * @param maxNumSeqs   overrides {@code max_num_seqs} when > 0
   * @param coefficients timing coefficients to use instead of the catalog's for the tier's GPU; null = the catalog's
   */
  public static ServingPlan resolve(Catalog catalog, String tierId, String modelId, Dtype dtype, int maxNumSeqs,
      TwinCoefficients coefficients) throws ServingRefusedException {
    return resolve(catalog, tierId, modelId, dtype, maxNumSeqs > 0 ? VllmKnobs.NONE.withMaxNumSeqs(maxNumSeqs) : VllmKnobs.NONE,
        coefficients);
  }

  /**
   * @param knobs the operator's vLLM flags over the catalog's ({@link VllmKnobs#NONE} = none);
   *              {@code tensor_parallel_size} defaults to the tier's GPU count (capkit runs one
   *              replica per instance, across all its GPUs) and must equal it when set
   */
  public static ServingPlan resolve(Catalog catalog, String tierId, String modelId, Dtype dtype, VllmKnobs knobs,
      TwinCoefficients coefficients) throws ServingRefusedException {
    try {
      TierSpec tier = catalog.tier(tierId);
      GpuSpec gpu = catalog.gpu(tier.gpuId());
      TwinCoefficients timing = coefficients != null ? coefficients : catalog.coefficients(gpu.id());
      ModelArchitecture model = catalog.model(modelId);
      String where = "cannot serve " + model.id() + " in " + dtype.key() + " on " + tier.id() + " (" + gpu.id() + "): ";
      if (knobs.tensorParallelSize() != null && knobs.tensorParallelSize() != tier.gpuCount()) {
        throw new ServingRefusedException(where + "tensor_parallel_size " + knobs.tensorParallelSize() + " but the tier has "
            + tier.gpuCount() + " GPU(s); capkit runs one replica per instance across all its GPUs (use tensor_parallel_size "
            + tier.gpuCount() + " or another tier)");
      }
      if (model.attentionHeads() % tier.gpuCount() != 0) {
        throw new ServingRefusedException(where + model.attentionHeads() + " attention heads do not split across "
            + tier.gpuCount() + " GPUs (tensor_parallel_size must divide them)");
      }
      ServingConfig serving = catalog.serving(gpu.id()).with(knobs.withTensorParallelSize(tier.gpuCount()));
      String unsupported = dtype.unsupportedReason(gpu);
      if (unsupported != null) {
        throw new ServingRefusedException(where + unsupported + "; " + alternatives(model, gpu, serving));
      }
      KvCacheBudget budget = KvCacheBudget.of(model, gpu, dtype, serving);
      if (!budget.fits()) {
        throw new ServingRefusedException(where + budget.refusal() + "; " + alternatives(model, gpu, serving)
            + KnobAdvice.forRefusal(model, gpu, dtype, serving));
      }
      return new ServingPlan(tier, gpu, model, dtype, serving, budget, timing);
    } catch (dev.capkit.twin.catalog.CatalogException e) {
      throw new ServingRefusedException(e.getMessage(), e);
    }
  }

  private static String alternatives(ModelArchitecture model, GpuSpec gpu, ServingConfig serving) {
    List<String> fits = new ArrayList<>();
    for (Dtype d : Dtype.values()) {
      KvCacheBudget b = KvCacheBudget.of(model, gpu, d, serving);
      if (d.unsupportedReason(gpu) == null && b.fits()) {
        fits.add(String.format("%s (weights %.1f GiB, KV room %,d tokens)", d.key(), b.weightBytes() / (1L << 30), b.tokens()));
      }
    }
    return fits.isEmpty()
        ? "no dtype (bf16, fp8, int4) fits this GPU with max_model_len " + serving.maxModelLen() + "; choose a larger tier"
        : "would fit: " + String.join(", ", fits);
  }

  public StepCostModel costModel() {
    return new StepCostModel(model, gpu, dtype, coefficients, serving.tensorParallelSize(), serving.kvCacheBytesPerElement(),
        tier.interconnect());
  }

  /** GLM-4.1V's image rule, with {@code mm_processor_kwargs.max_pixels} when set. */
  public ImageTokenRule imageRule() {
    ModelArchitecture.ImageTokenSpec s = model.images();
    if (serving.maxPixels() > 0) {
      s = new ModelArchitecture.ImageTokenSpec(s.patchSize(), s.spatialMerge(), Math.min(s.minPixels(), serving.maxPixels()),
          serving.maxPixels(), s.pixelsPerToken(), s.extraTokensPerImage());
    }
    return new ImageTokenRule(s);
  }

  /** A fresh engine for this plan. */
  public ContinuousBatchingEngine newEngine(double slowdown, Profile profile) {
    return new ContinuousBatchingEngine(serving, costModel(), budget.numBlocks(), slowdown, profile == Profile.INSTANT);
  }

  /**
   * Host-side seconds before a request joins the engine (API server path, image preprocessing:
   * {@link TwinCoefficients#requestHostSeconds}); none in the {@code instant} profile, where nothing takes time.
   */
  public double hostSeconds(long imagePixels, Profile profile) {
    return profile == Profile.INSTANT ? 0 : coefficients().requestHostSeconds(imagePixels);
  }

  /** Largest number of sequences of {@code tokensPerSequence} tokens that fit in KV and max_num_seqs together. */
  public long maxConcurrentSequences(int tokensPerSequence) {
    long blocksPer = (tokensPerSequence + serving.blockSize() - 1) / serving.blockSize();
    return Math.min(serving.maxNumSeqs(), budget.numBlocks() / blocksPer);
  }

  /** One line: tier, GPU, dtype, KV capacity, and where the timing coefficients come from. */
  public String summary() {
    return String.format("%s (%s%s %.0f GiB, %d vCPU) serving %s in %s%s: KV cache %,d tokens (%,d blocks of %d), max_num_seqs %d,"
        + " max_model_len %d, gpu_memory_utilization %s%s; timing coefficients: %s",
        tier.id(), tier.gpuCount() > 1 ? tier.gpuCount() + "x " : "", gpu.id(), gpu.vramGib(), tier.vcpu(), model.servedModelName(),
        dtype.key(), serving.tensorParallelSize() > 1 ? " (tensor_parallel_size " + serving.tensorParallelSize() + ", "
            + tier.interconnect().kind() + ")" : "",
        budget.tokens(), budget.numBlocks(), serving.blockSize(), serving.maxNumSeqs(), serving.maxModelLen(),
        serving.gpuMemoryUtilization(), answers == AnswerLength.MODEL ? "" : ", answers " + answers.key(), coefficients.source());
  }
}
