package dev.capkit.twin.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.physics.Dtype;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llama.cpp engine's tier in the shipped catalog: a CPU as its "GPU" (measured peaks), and capkit's
 * generated text-only model, whose stated derived figures the reader checks against its shape.
 */
class CpuTierCatalogTest {
  private static final String MODEL = "capkit-random-llama-30m-seed42-v1";

  @Test
  void shippedCatalogHasTheCpuTierAndTheGeneratedModel() {
    Catalog c = Catalog.load(null);
    TierSpec tier = c.tier("llamacpp-host-2c");
    GpuSpec cpu = c.gpu(tier.gpuId());
    assertEquals("CPU-2C", cpu.id());
    assertTrue(cpu.cpu());
    assertFalse(c.gpu("A10").cpu());
    assertTrue(cpu.fp16Tflops() > 0 && cpu.memBandwidthGBps() > 0 && cpu.vramGib() > 1);
    assertFalse(tier.hasPrice());
    assertEquals("AWQ int4 needs compute capability >= 7.5 but CPU-2C has 0.0", Dtype.INT4.unsupportedReason(cpu));

    ModelArchitecture m = c.servedModel(MODEL).orElseThrow();
    assertFalse(m.hasVision());
    assertEquals(9_216, m.kvBytesPerToken(2)); // 2 x 9 layers x 4 KV heads x 64 x 2 B
    assertEquals(29_642_752, m.storedParams()); // 9 x 2,949,120 + 2 x 3,028 x 512 (norms not modelled)
    assertEquals(62_386_176, Dtype.BF16.weightBytes(m), 0.5); // F32 output projection: 4 B per parameter
    assertEquals(26_542_080 * 2 + 1_550_336 * 4, Dtype.BF16.decoderPassBytes(m), 0.5);
    assertTrue(c.servedModel("no-such-model").isEmpty());
    assertTrue(c.models().get("autoglm-phone-9b").hasVision());
  }

  @Test
  void aStatedDerivedFigureThatDisagreesWithTheShapeNamesFileFieldAndValue(@TempDir Path dir) throws IOException {
    copyShipped(dir);
    Path models = dir.resolve("models.json");
    Files.writeString(models, Files.readString(models).replace("\"kv_bytes_per_token\": {\"value\": 9216", "\"kv_bytes_per_token\": {\"value\": 18432"));
    CatalogException e = assertThrows(CatalogException.class, () -> Catalog.load(dir));
    assertTrue(e.getMessage().startsWith("models.json: models[1].derived.kv_bytes_per_token: expected 9216 as the architecture fields give"),
        e.getMessage());
    assertTrue(e.getMessage().contains("18432"), e.getMessage());
  }

  @Test
  void anUnknownDeviceAndAZeroComputeCapabilityOnAGpuAreRefused(@TempDir Path dir) throws IOException {
    copyShipped(dir);
    Path gpus = dir.resolve("gpus.json");
    String shipped = Files.readString(gpus);
    Files.writeString(gpus, shipped.replace("\"device\": \"cpu\"", "\"device\": \"tpu\""));
    CatalogException e = assertThrows(CatalogException.class, () -> Catalog.load(dir));
    assertTrue(e.getMessage().contains("gpus.json: gpus[9].device: expected \"gpu\" or \"cpu\", got \"tpu\""), e.getMessage());
    Files.writeString(gpus, shipped.replace("\"compute_capability\": {\"value\": 7.5", "\"compute_capability\": {\"value\": 0"));
    e = assertThrows(CatalogException.class, () -> Catalog.load(dir));
    assertTrue(e.getMessage().contains("gpus.json: gpus[0].compute_capability: expected a number > 0"), e.getMessage());
  }

  private static void copyShipped(Path dir) throws IOException {
    for (String f : new String[] {"models.json", "gpus.json", "tiers.json", "serving.json"}) {
      try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(Catalog.CLASSPATH_DIR + f)) {
        Files.writeString(dir.resolve(f), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }
}
