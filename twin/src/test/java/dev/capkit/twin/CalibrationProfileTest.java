package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.CalibrationProfile;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.StepWork;
import dev.capkit.twin.physics.TwinCoefficients;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationProfileTest {
  private static final Catalog CATALOG = Catalog.load(null);
  private static final Path GOLDEN = Path.of("src/test/resources/calibration/profile-v1.json");

  @Test
  void goldenProfileReadsAndWritesBackByteForByte() throws Exception {
    CalibrationProfile p = CalibrationProfile.read(GOLDEN);
    assertEquals("golden-a10", p.name());
    assertEquals("A10", p.gpu());
    assertEquals(0.45, p.values().get("mfu"));
    assertEquals("illustrative", p.sources().get("mfu"));
    assertEquals(Files.readString(GOLDEN), p.toJson());
  }

  @Test
  void profileOverridesOnlyWhatItSetsAndNamesItself() {
    TwinCoefficients base = CATALOG.coefficients("A10");
    TwinCoefficients c = CalibrationProfile.read(GOLDEN).applyTo(base, "A10");
    assertEquals(0.0025, c.stepOverheadSeconds(), 1e-12);
    assertEquals(0.45, c.prefillMfu(), 1e-12);
    assertEquals(0.8, c.decodeMbu(), 1e-12);
    assertEquals(20e-6, c.detokenizeSecondsPerToken(), 1e-15);
    assertEquals(base.imagePreprocessSecondsPerMegapixel(), c.imagePreprocessSecondsPerMegapixel());
    assertEquals(base.hostRequestSeconds(), c.hostRequestSeconds());
    assertTrue(c.source().startsWith("calibration profile 'golden-a10'"), c.source());
    assertTrue(c.source().contains("sets step_overhead_ms, mfu, mbu, detokenize_us_per_token"), c.source());
    assertTrue(c.source().contains("others from catalog"), c.source());
  }

  @Test
  void planWithOverrideTimesStepsWithIt() throws Exception {
    TwinCoefficients c = CalibrationProfile.read(GOLDEN).applyTo(CATALOG.coefficients("A10"), "A10");
    ServingPlan base = ServingPlan.resolve(CATALOG, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0);
    ServingPlan fitted = ServingPlan.resolve(CATALOG, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0, c);
    StepWork decode = StepWork.decode(4_000);
    double expected = fitted.costModel().bytes(decode) / (600e9 * 0.8) + 0.0025;
    assertEquals(expected, fitted.costModel().seconds(decode), 1e-12);
    assertTrue(base.summary().contains("timing coefficients: catalog"), base.summary());
    assertTrue(fitted.summary().contains("calibration profile 'golden-a10'"), fitted.summary());
  }

  @Test
  void profileFittedOnAnotherGpuIsRefused() {
    CatalogException e = assertThrows(CatalogException.class,
        () -> CalibrationProfile.read(GOLDEN).applyTo(CATALOG.coefficients("L20"), "L20"));
    assertTrue(e.getMessage().contains("fitted on GPU 'A10', not on 'L20'"), e.getMessage());
  }

  @Test
  void badProfilesNameFileFieldAndValue(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.json");
    Files.writeString(f, "{\"format\":\"capkit.calibration/1\",\"name\":\"x\",\"coefficients\":{\"mbu\":1.7}}");
    CatalogException e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("p.json: coefficients.mbu: expected a fraction in (0, 1], got 1.7"), e.getMessage());
    Files.writeString(f, "{\"format\":\"capkit.calibration/1\",\"name\":\"x\",\"coefficients\":{\"mfu_typo\":0.5}}");
    e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("coefficients.mfu_typo: unknown coefficient"), e.getMessage());
    Files.writeString(f, "{\"format\":\"capkit.calibration/2\",\"name\":\"x\",\"coefficients\":{}}");
    e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("format: expected \"capkit.calibration/1\", got \"capkit.calibration/2\""), e.getMessage());
  }

  @Test
  void optionalAnswersServingAndFitReadAndWriteBack() throws Exception {
    Path golden = Path.of("src/test/resources/calibration/profile-v1-fit.json");
    CalibrationProfile p = CalibrationProfile.read(golden);
    assertEquals(dev.capkit.twin.answers.AnswerLength.FILL_MAX_TOKENS, p.answers());
    assertEquals(4, p.servingKnobs().maxNumSeqs());
    assertEquals(0.062, p.fit().medianAbsError());
    assertEquals(24, p.fit().figures());
    assertTrue(p.describe().endsWith("fit error median 6.2%, max 21.0% over 24 figures"), p.describe());
    assertEquals(Files.readString(golden), p.toJson());
    assertEquals(null, CalibrationProfile.read(GOLDEN).answers(), "a file without the field states no answer model");
  }

  @Test
  void badOptionalFieldsNameFileFieldAndValue(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.json");
    String head = "{\"format\":\"capkit.calibration/1\",\"name\":\"x\",\"coefficients\":{},";
    Files.writeString(f, head + "\"answers\":\"fill\"}");
    CatalogException e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("p.json: answers: expected model or fill-max-tokens, got \"fill\""), e.getMessage());
    Files.writeString(f, head + "\"serving\":{\"max_num_seqs\":\"0\"}}");
    e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("p.json: serving: max_num_seqs"), e.getMessage());
    Files.writeString(f, head + "\"fit\":{\"median_abs_error\":-1,\"max_abs_error\":0,\"figures\":3}}");
    e = assertThrows(CatalogException.class, () -> CalibrationProfile.read(f));
    assertTrue(e.getMessage().contains("p.json: fit.median_abs_error: expected a number >= 0, got -1"), e.getMessage());
  }
}
