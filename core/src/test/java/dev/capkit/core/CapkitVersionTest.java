package dev.capkit.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapkitVersionTest {
  @Test
  void buildVersionIsFilteredIn() {
    String v = CapkitVersion.get();
    assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), "a Maven version, got " + v);
  }
}
