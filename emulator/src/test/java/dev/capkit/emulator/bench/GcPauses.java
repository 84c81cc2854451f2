package dev.capkit.emulator.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's collector pauses during a benchmark case, from the collectors' JMX notifications: G1's young and
 * mixed pauses ({@code G1 Young Generation}), full collections, ZGC's pauses ({@code ZGC Pauses}; its concurrent
 * cycles, {@code ZGC Cycles}, are not pauses and are left out). Each pause is placed on the {@code System.nanoTime}
 * clock by when its notification arrived (the JMX start times, milliseconds since the JVM started, were ~55 ms off
 * that clock here): it ended at or shortly before that moment.
 */
final class GcPauses implements NotificationListener {
  /** @param endNanos when the notification arrived ({@code System.nanoTime}): the pause had ended by then */
  record Pause(String collector, String action, String cause, long endNanos, long durationMillis) {}

  private final List<Pause> pauses = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private GcPauses() {}

  static GcPauses start() {
    GcPauses p = new GcPauses();
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof NotificationEmitter e && !bean.getName().equals("ZGC Cycles")) {
        e.addNotificationListener(p, null, null);
        p.emitters.add(e);
      }
    }
    return p;
  }

  @Override
  public void handleNotification(Notification n, Object handback) {
    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    long arrived = System.nanoTime();
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    synchronized (pauses) {
      pauses.add(new Pause(info.getGcName(), info.getGcAction(), info.getGcCause(), arrived,
          info.getGcInfo().getDuration()));
    }
  }

  void stop() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(this);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }

  /** Count, total and longest pause so far, as text. */
  String summary() {
    synchronized (pauses) {
      long total = pauses.stream().mapToLong(Pause::durationMillis).sum();
      long max = pauses.stream().mapToLong(Pause::durationMillis).max().orElse(0);
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d, total %d ms, longest %d ms", pauses.size(), total, max));
      if (!pauses.isEmpty()) {
        b.append(" (");
        for (int i = 0; i < pauses.size(); i++) {
          b.append(i == 0 ? "" : ", ").append(pauses.get(i).durationMillis());
        }
        b.append(" ms)");
      }
      return b.toString();
    }
  }

  /**
   * {@code notified_ns,duration_ms,collector,action,cause} per pause: when the notification arrived
   * ({@code System.nanoTime}; the pause ended at or before it) and how long the pause was.
   */
  void writeCsv(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("notified_ns,duration_ms,collector,action,cause\n");
      synchronized (pauses) {
        for (Pause p : pauses) {
          w.write(p.endNanos() + "," + p.durationMillis() + "," + p.collector().replace(',', ' ')
              + "," + p.action().replace(',', ' ') + "," + p.cause().replace(',', ' ') + "\n");
        }
      }
    }
  }
}
