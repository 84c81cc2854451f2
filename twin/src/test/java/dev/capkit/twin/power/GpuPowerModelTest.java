package dev.capkit.twin.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import dev.capkit.twin.catalog.GpuSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linear power model by hand, the shipped catalog covering every GPU with sources, and bad catalogs named. */
class GpuPowerModelTest {
  @Test
  void linearBetweenIdleAndMaxClamped() {
    GpuPowerModel m = new GpuPowerModel("A100-80GB", 40, 300, "idle src", "max src");
    assertEquals(40, m.watts(0), 1e-12);
    assertEquals(170, m.watts(0.5), 1e-12);
    assertEquals(300, m.watts(1), 1e-12);
    assertEquals(300, m.watts(1.7), 1e-12);
    assertEquals(40, m.watts(-0.2), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new GpuPowerModel("x", 50, 40, "", ""));
  }

  @Test
  void shippedCatalogHasAModelWithSourcesForEveryGpu() {
    GpuPowerCatalog power = GpuPowerCatalog.load(null);
    for (GpuSpec gpu : Catalog.load(null).gpus().values()) {
      if (gpu.cpu()) {
        continue; // a CPU standing in for llama.cpp's GPU: no board power model (its energy is not planned)
      }
      GpuPowerModel m = power.find(gpu.id()).orElseThrow(() -> new AssertionError("no power model for " + gpu.id()));
      assertTrue(!m.maxSource().isBlank() && !m.idleSource().isBlank(), gpu.id());
      assertTrue(m.maxWatts() >= 70 && m.maxWatts() <= 700, gpu.id() + " " + m.maxWatts());
    }
    assertEquals(300, power.find("A100-80GB").orElseThrow().maxWatts());
  }

  @Test
  void badEntryNamesFileGpuAndField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(GpuPowerCatalog.FILE), "{\"format\":1,\"gpus\":[{\"id\":\"T4\",\"max_watts\":{\"value\":70},"
        + "\"idle_watts\":{\"value\":10,\"source\":\"x\"}}]}");
    CatalogException e = assertThrows(CatalogException.class, () -> GpuPowerCatalog.load(dir));
    assertTrue(e.getMessage().endsWith("gpu-power.json: gpu 'T4': field 'max_watts': expected {\"value\": number, \"source\": \"...\"}, got {\"value\":70}"),
        e.getMessage());
  }
}
