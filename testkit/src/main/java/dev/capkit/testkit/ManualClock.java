package dev.capkit.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that tests move by hand (virtual time for code that reads a {@link Clock}).
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock(0);
 * clock.set(1_500); // clock.instant() is now 1970-01-01T00:00:01.500Z
 * }</pre>
 */
public final class ManualClock extends Clock {
  private volatile long millis;

  public ManualClock(long millis) {
    this.millis = millis;
  }

  public void set(long millis) {
    this.millis = millis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (!ZoneOffset.UTC.equals(zone)) {
      throw new UnsupportedOperationException("a ManualClock is fixed to UTC, not " + zone);
    }
    return this;
  }
}
