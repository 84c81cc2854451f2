package dev.capkit.twin.power;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code gpu-power.json} (format 1) from a catalog directory, or the classpath copy: for each GPU
 * id {@code max_watts} and {@code idle_watts}, each {@code {"value": number, "source": "..."}}. Errors
 * name the file, the GPU and the field.
 *
 * <pre>{@code
 * GpuPowerCatalog power = GpuPowerCatalog.load(null);
 * power.find("A100-80GB").map(m -> m.watts(0.7));
 * }</pre>
 */
public final class GpuPowerCatalog {
  public static final String FILE = "gpu-power.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, GpuPowerModel> models;

  private GpuPowerCatalog(Map<String, GpuPowerModel> models) {
    this.models = Map.copyOf(models);
  }

  /** From {@code dir}/gpu-power.json, or the shipped copy when {@code dir} is null or has no such file. */
  public static GpuPowerCatalog load(Path dir) {
    String where = dir != null && Files.isRegularFile(dir.resolve(FILE)) ? dir.resolve(FILE).toString() : "classpath:" + Catalog.CLASSPATH_DIR + FILE;
    JsonNode root;
    try {
      if (!where.startsWith("classpath:")) {
        root = JSON.readTree(dir.resolve(FILE).toFile());
      } else {
        try (InputStream in = GpuPowerCatalog.class.getClassLoader().getResourceAsStream(Catalog.CLASSPATH_DIR + FILE)) {
          if (in == null) {
            throw new CatalogException(where + ": catalog resource missing");
          }
          root = JSON.readTree(in);
        }
      }
    } catch (IOException e) {
      throw new CatalogException(where + ": not valid JSON: " + e.getMessage(), e);
    }
    Map<String, GpuPowerModel> out = new LinkedHashMap<>();
    for (JsonNode g : root.path("gpus")) {
      String id = g.path("id").asText();
      try {
        out.put(id, new GpuPowerModel(id, value(where, id, g, "idle_watts"), value(where, id, g, "max_watts"),
            g.path("idle_watts").path("source").asText(), g.path("max_watts").path("source").asText()));
      } catch (IllegalArgumentException e) {
        throw new CatalogException(where + ": " + e.getMessage());
      }
    }
    return new GpuPowerCatalog(out);
  }

  private static double value(String where, String id, JsonNode g, String field) {
    JsonNode v = g.path(field).path("value");
    if (!v.isNumber() || g.path(field).path("source").asText().isBlank()) {
      throw new CatalogException(where + ": gpu '" + id + "': field '" + field + "': expected {\"value\": number, \"source\": \"...\"}, got "
          + g.path(field));
    }
    return v.asDouble();
  }

  public Optional<GpuPowerModel> find(String gpuId) {
    return Optional.ofNullable(models.get(gpuId));
  }
}
