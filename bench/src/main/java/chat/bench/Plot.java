package chat.bench;

import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * p99 latency against offered deliveries/s, one line per W1 series (chat solid, baseline dashed), log-scale
 * latency; a cross marks a step that lost messages. Drawn with java.awt, headless.
 */
final class Plot {

  private static final int W = 960;
  private static final int H = 600;
  private static final int LEFT = 80;
  private static final int RIGHT = 270;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;
  private static final Color[] CHAT = {new Color(0xd62728), new Color(0xff7f0e), new Color(0x8c1c13), new Color(0xe377c2)};
  private static final Color[] BEFORE = {new Color(0xc49c94), new Color(0x9c6b5e), new Color(0x6b3d2e)};
  private static final Color[] BASE = {new Color(0x1f77b4), new Color(0x17becf), new Color(0x2c3e80), new Color(0x2ca02c)};

  private record Point(double x, double y, boolean lossy) {
  }

  private record Line(String name, boolean chat, boolean before, List<Point> points) {
  }

  private Plot() {
  }

  /**
   * Draws the W1 series of {@code w1}, and the chat series of {@code before} (an earlier server build, e.g. the
   * stock bridge; may be null) as dotted lines.
   */
  static void draw(JsonObject w1, JsonObject before, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Line> lines = new ArrayList<>();
    if (before != null) {
      addLines(lines, before, true);
    }
    addLines(lines, w1, false);
    render(lines, png);
  }

  private static void addLines(List<Line> lines, JsonObject results, boolean before) {
    JsonObject series = results.getJsonObject("series");
    for (String id : series.fieldNames()) {
      JsonObject s = series.getJsonObject(id);
      // one point per rate: a repeated step (see W1) replaces the first try at that rate
      java.util.TreeMap<Double, Point> byRate = new java.util.TreeMap<>();
      for (Object o : s.getJsonArray("steps")) {
        JsonObject step = (JsonObject) o;
        Object p99 = step.getJsonObject("latencyMs").getValue("p99");
        if (p99 != null) {
          double rate = step.getDouble("offeredDeliveries");
          byRate.put(rate, new Point(rate, Math.max(0.1, ((Number) p99).doubleValue()), !Measure.clean(step)));
        }
      }
      List<Point> points = new ArrayList<>(byRate.values());
      boolean chat = s.getString("target").equals("chat");
      if (before && !chat) {
        continue;
      }
      String name = (before ? "stock bridge, " : "") + (chat ? "chat, " : "baseline, ")
        + String.format("%,d", s.getInteger("members", 0)) + " members";
      lines.add(new Line(name, chat, before, points));
    }
  }

  private static void render(List<Line> lines, Path png) throws IOException {
    double maxX = 10_000;
    // the x axis is split into steps of a round number (1, 2, 2.5 or 5 times a power of ten)
    double maxY = 1000;
    double minY = 10;
    for (Line line : lines) {
      for (Point p : line.points) {
        maxX = Math.max(maxX, p.x);
        maxY = Math.max(maxY, p.y);
        minY = Math.min(minY, p.y);
      }
    }
    double xStep = niceCeiling(maxX / 6);
    maxX = Math.ceil(maxX / xStep) * xStep;
    double minLog = Math.max(-1, Math.floor(Math.log10(minY)));
    double maxLog = Math.ceil(Math.log10(maxY));

    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString("W1 global room: p99 delivery latency vs offered deliveries/s (chat 2 nodes vs bare baseline)", LEFT - 40, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString("clients and servers share the same 2 cores; see BENCHMARKS.md for the other load during each step", LEFT - 40, 44);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    // grid and axes
    Stroke thin = new BasicStroke(1f);
    Stroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    for (double e = minLog; e <= maxLog; e++) {
      int y = yPix(Math.pow(10, e), minLog, maxLog, plotH);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = e < 0 ? "0.1" : String.format("%,d", (long) Math.pow(10, e));
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    int xTicks = (int) Math.round(maxX / xStep);
    for (int i = 0; i <= xTicks; i++) {
      double v = xStep * i;
      int x = LEFT + (int) Math.round(plotW * v / maxX);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      String label = String.format("%,.0f", v);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.drawString("offered deliveries/s (messages/s × members)", LEFT + plotW / 2 - 120, H - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("p99 latency, ms (log scale)", -(TOP + plotH / 2 + 80), 22);
    rotated.dispose();
    for (double limit : new double[] {100, 250}) {
      int y = yPix(limit, minLog, maxLog, plotH);
      g.setStroke(dashed);
      g.setColor(limit == 100 ? new Color(0x2ca02c) : new Color(0x999999));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.drawString((int) limit + " ms", LEFT + plotW - 45, y - 4);
    }

    int chatIndex = 0;
    int baseIndex = 0;
    int legendY = TOP + 10;
    int beforeIndex = 0;
    for (Line line : lines) {
      Color color = line.before ? BEFORE[beforeIndex++ % BEFORE.length]
        : line.chat ? CHAT[chatIndex++ % CHAT.length] : BASE[baseIndex++ % BASE.length];
      g.setColor(color);
      g.setStroke(stroke(line));
      int px = -1;
      int py = -1;
      for (Point p : line.points) {
        int x = LEFT + (int) Math.round(plotW * p.x / maxX);
        int y = yPix(p.y, minLog, maxLog, plotH);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.setStroke(thin);
      for (Point p : line.points) {
        int x = LEFT + (int) Math.round(plotW * p.x / maxX);
        int y = yPix(p.y, minLog, maxLog, plotH);
        if (p.lossy) {
          g.drawLine(x - 5, y - 5, x + 5, y + 5);
          g.drawLine(x - 5, y + 5, x + 5, y - 5);
        } else {
          g.fillOval(x - 4, y - 4, 8, 8);
        }
      }
      g.setStroke(stroke(line));
      g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 40, legendY);
      g.setColor(Color.BLACK);
      g.drawString(line.name, LEFT + plotW + 46, legendY + 4);
      legendY += 20;
    }
    g.setStroke(thin);
    g.setColor(Color.DARK_GRAY);
    g.drawLine(LEFT + plotW + 22, legendY + 2, LEFT + plotW + 32, legendY + 12);
    g.drawLine(LEFT + plotW + 22, legendY + 12, LEFT + plotW + 32, legendY + 2);
    g.drawString("step with loss/errors", LEFT + plotW + 46, legendY + 11);
    g.drawString("(a rate measured twice is", LEFT + plotW + 15, legendY + 34);
    g.drawString(" plotted with its repeat)", LEFT + plotW + 15, legendY + 50);
    g.dispose();
    Files.createDirectories(png.getParent());
    ImageIO.write(image, "png", png.toFile());
  }

  private static Stroke stroke(Line line) {
    if (line.before) {
      return new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f);
    }
    return line.chat ? new BasicStroke(2.2f)
      : new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
  }

  private static int yPix(double ms, double minLog, double maxLog, int plotH) {
    double f = (Math.log10(Math.max(ms, Math.pow(10, minLog))) - minLog) / (maxLog - minLog);
    return TOP + (int) Math.round(plotH * (1 - f));
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= v) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
