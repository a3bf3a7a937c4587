package signup.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One line on the terminal, redrawn a few times a second while a step runs, erased at the end.
 * Only for a person watching: a benchmark shows it only when a console is attached.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private static final long REDRAW_MILLIS = 200;

  private final PrintWriter out;
  private final String label;
  private final ClosedLoop loop;
  private final Thread painter;
  private volatile boolean done;

  ProgressBar(PrintWriter out, String label, ClosedLoop loop) {
    this.out = out;
    this.label = label;
    this.loop = loop;
    this.painter = new Thread(this::paint, "bench-progress");
    this.painter.setDaemon(true);
    this.painter.start();
  }

  private void paint() {
    while (!done) {
      double fraction = loop.fractionDone();
      int filled = (int) Math.round(fraction * WIDTH);
      String line = String.format(Locale.ROOT, "\r%-34s [%s%s] %3d%%  %,8d done  %,5d failed  "
              + "%,8.0f/s ", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
          Math.round(fraction * 100), loop.completed(), loop.failed(), loop.currentThroughput());
      synchronized (out) {
        out.print(line);
        out.flush();
      }
      try {
        Thread.sleep(REDRAW_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    done = true;
    painter.interrupt();
    try {
      painter.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (out) {
      out.print("\r" + " ".repeat(120) + "\r");
      out.flush();
    }
  }
}
