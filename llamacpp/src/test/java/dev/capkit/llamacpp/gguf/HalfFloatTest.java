package dev.capkit.llamacpp.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfFloatTest {
  @Test
  void knownBinary16Values() {
    assertEquals((short) 0x3C00, HalfFloat.fromFloat(1f));
    assertEquals((short) 0xC000, HalfFloat.fromFloat(-2f));
    assertEquals((short) 0x2E66, HalfFloat.fromFloat(0.1f));
    assertEquals((short) 0x7BFF, HalfFloat.fromFloat(65504f));
    assertEquals((short) 0x7C00, HalfFloat.fromFloat(65520f)); // rounds up past the largest finite
    assertEquals((short) 0x0001, HalfFloat.fromFloat(0x1.0p-24f)); // smallest subnormal
    assertEquals((short) 0x0000, HalfFloat.fromFloat(0x1.0p-26f));
    assertEquals((short) 0x0400, HalfFloat.fromFloat(0x1.0p-14f)); // smallest normal
    assertEquals((short) 0x3C00, HalfFloat.fromFloat(1f + 0x1.0p-11f)); // tie to even (down)
    assertEquals((short) 0x3C02, HalfFloat.fromFloat(1f + 3 * 0x1.0p-11f)); // tie to even (up)
  }

  @Test
  void everyHalfRoundTrips() {
    for (int h = 0; h < 0x10000; h++) {
      int exponent = (h >>> 10) & 0x1F;
      if (exponent == 0x1F && (h & 0x3FF) != 0) {
        continue; // NaN payloads need not survive
      }
      assertEquals((short) h, HalfFloat.fromFloat(HalfFloat.toFloat((short) h)), "half 0x" + Integer.toHexString(h));
    }
  }
}
