package dev.capkit.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.twin.catalog.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where the tier prices come from: {@code tiers.json}'s {@code price_snapshot} (source, date,
 * currency), shown next to every cost so a reader knows how old and how sure the prices are.
 * Prices themselves are the catalog's; users replace them by editing tiers.json ({@code --catalog DIR}).
 *
 * <pre>{@code
 * PriceSource p = PriceSource.load(null);   // the shipped catalog's snapshot
 * }</pre>
 */
public record PriceSource(String file, String source, String date, String currency) {

  public static PriceSource load(Path catalogDir) {
    String where = catalogDir == null ? "classpath:" + Catalog.CLASSPATH_DIR + "tiers.json" : catalogDir.resolve("tiers.json").toString();
    try (InputStream in = catalogDir == null
        ? PriceSource.class.getClassLoader().getResourceAsStream(Catalog.CLASSPATH_DIR + "tiers.json")
        : java.nio.file.Files.newInputStream(catalogDir.resolve("tiers.json"))) {
      if (in == null) {
        return new PriceSource(where, "unknown", "unknown", "unknown");
      }
      JsonNode snap = new ObjectMapper().readTree(in).path("price_snapshot");
      return new PriceSource(where, snap.path("source").asText("not stated"), snap.path("date").asText("not stated"),
          snap.path("currency").asText("not stated"));
    } catch (IOException e) {
      throw new PlanException(where + ": unreadable: " + e.getMessage(), e);
    }
  }
}
