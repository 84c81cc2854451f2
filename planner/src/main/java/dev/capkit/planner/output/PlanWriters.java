package dev.capkit.planner.output;

import dev.capkit.planner.PlanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a plan's files into a directory: {@code plan.json} ({@link PlanJson}), {@code plan.md}
 * ({@link PlanMarkdown}) and, when a tier is recommended, {@code recommended-tier.yaml}
 * ({@link KubernetesManifests}).
 *
 * <pre>{@code
 * List<Path> written = PlanWriters.writeAll(plan, Path.of("target/plan"));
 * }</pre>
 */
public final class PlanWriters {
  private PlanWriters() {}

  public static List<Path> writeAll(PlanResult plan, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    out.add(Files.writeString(dir.resolve("plan.json"), PlanJson.render(plan)));
    out.add(Files.writeString(dir.resolve("plan.md"), PlanMarkdown.render(plan)));
    if (plan.recommended().isPresent()) {
      out.add(Files.writeString(dir.resolve("recommended-tier.yaml"), KubernetesManifests.render(plan)));
    }
    return out;
  }
}
