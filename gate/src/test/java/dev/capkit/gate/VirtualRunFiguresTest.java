package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration's in-memory figures are exactly what the gate reads from the written run folder. */
class VirtualRunFiguresTest {
  @TempDir
  Path tmp;

  @Test
  void inMemoryFiguresEqualTheRunFolders() throws IOException {
    for (Map<String, String> o : java.util.List.of(Map.<String, String>of(), Map.of("qps", "16", "duration", "30s"))) {
      RunFigures read = RunFigures.ofRun(VirtualRunFolder.write(tmp.resolve("run" + o.size()), GateMainTest.SMOKE, o, 1003, 1.2));
      RunFigures memory = VirtualRunFigures.of(GateMainTest.SMOKE, o, 1003, 1.2);
      assertEquals(read.scenario(), memory.scenario());
      assertEquals(read.workload(), memory.workload());
      assertEquals(read.steps().size(), memory.steps().size());
      for (int i = 0; i < read.steps().size(); i++) {
        StepFigures a = read.steps().get(i);
        StepFigures b = memory.steps().get(i);
        assertEquals(java.util.List.of(a.id(), a.sent(), a.ok(), a.good(), a.durationSeconds(), a.kinds().keySet()),
            java.util.List.of(b.id(), b.sent(), b.ok(), b.good(), b.durationSeconds(), b.kinds().keySet()));
        for (String kind : a.kinds().keySet()) {
          KindFigures ka = a.kinds().get(kind);
          KindFigures kb = b.kinds().get(kind);
          assertEquals(ka.histograms(), kb.histograms(), kind);
          assertEquals(ka.perSecond(), kb.perSecond(), kind);
          assertTrue(ka.counts() != null && ka.counts().totalSent() == ka.sent(), kind + " " + ka.counts());
          assertEquals(ka.counts(), kb.counts(), kind + ": per-second counts (counts.csv)");
          assertTrue(ka.perSecond().get("e2e").seconds() >= 30, kind + " " + ka.perSecond());
        }
        assertEquals(a.allKinds().perSecond(), b.allKinds().perSecond());
        assertEquals(a.allKinds().counts(), b.allKinds().counts());
        assertEquals(a.good(), a.allKinds().counts().totalGood());
      }
    }
  }
}
