package dev.capkit.llamacpp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuListTest {
  @Test
  void readsAndWritesTheKernelsListSyntax() {
    CpuList list = CpuList.parse("f", " 3,0, 5-7 ,1");
    assertEquals("0-1,3,5-7", list.toString());
    assertEquals(6, list.size());
    assertEquals("0-1,3", list.minus(CpuList.parse("f", "5-9")).toString());
    assertTrue(list.containsAll(CpuList.parse("f", "6-7")));
    assertFalse(list.containsAll(CpuList.parse("f", "2")));
  }

  @Test
  void aValueThatIsNotACpuListNamesTheFieldAndValue() {
    for (String bad : new String[] {"", "x", "3-1", "1-2-3", "-1", "1,,2", "99999"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("--compute-cpus", bad), bad);
      assertTrue(e.getMessage().startsWith("--compute-cpus '" + bad + "' is not a CPU list"), e.getMessage());
    }
  }
}
