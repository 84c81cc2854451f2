package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page links Gatling's report by its final path even when it is written before Gatling writes its own. */
class GatlingLinkTest {
  @TempDir
  Path tmp;

  @Test
  void aReportNotYetWrittenIsLinkedByItsFinalPathWhenItsFolderExists() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("gatling/capkitsimulation-20261202051651408"));
    Path out = Files.createDirectories(tmp.resolve("runs/r1"));
    String link = RunHeader.gatlingLink(folder.resolve("index.html").toString(), out);
    assertTrue(link.startsWith("<a class=\"gatling\" href=\"../../gatling/capkitsimulation-20261202051651408/index.html\">"), link);
    assertTrue(link.endsWith("(Gatling writes it when the simulation ends)"), link);
    Files.writeString(folder.resolve("index.html"), "<html></html>");
    assertTrue(RunHeader.gatlingLink(folder.resolve("index.html").toString(), out).endsWith("</a>"), "written: a plain link");
    assertEquals(Path.of("/nowhere/index.html") + " (not found on this disk)", RunHeader.gatlingLink("/nowhere/index.html", out));
  }
}
