package chat.file;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * A picture's size and thumbnail (longest side {@link #SIDE} px), made with the JDK's ImageIO on a thread of its
 * own, reading the picture as a stream of its chunks ({@link SharedFiles#stream}).
 * The size is read from the header first, and a picture of more than {@code maxPixels} is never decoded (a
 * decompression bomb is a few KB that claim a billion pixels); a large one is decoded subsampled, so memory stays
 * near the thumbnail's size whatever the picture's.
 */
public final class Thumbnails {

  public static final int SIDE = 320;

  /** What was found: the picture's size (null when unreadable), and the thumbnail (null when none was made). */
  public record Made(Integer width, Integer height, byte[] thumbnail, String type) {
    public static final Made NOTHING = new Made(null, null, null, null);
  }

  private Thumbnails() {
  }

  /** Blocking: call on the thumbnailer's thread. Never throws for a bad picture: it just has no size or thumbnail. */
  public static Made make(InputStream picture, String type, long maxPixels) {
    try (ImageInputStream in = ImageIO.createImageInputStream(picture)) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return Made.NOTHING;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0 || (long) width * height > maxPixels) {
          return new Made(width, height, null, null);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(width, height) / (2 * SIDE));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        boolean jpeg = "image/jpeg".equals(type);
        return new Made(width, height, scaled(image, jpeg), jpeg ? "image/jpeg" : "image/png");
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException unreadable) {
      // truncated, malformed or hostile: the file is still shared, without a preview
      return Made.NOTHING;
    }
  }

  private static byte[] scaled(BufferedImage image, boolean jpeg) throws IOException {
    double factor = Math.min(1.0, (double) SIDE / Math.max(image.getWidth(), image.getHeight()));
    int w = Math.max(1, (int) Math.round(image.getWidth() * factor));
    int h = Math.max(1, (int) Math.round(image.getHeight() * factor));
    BufferedImage thumb = new BufferedImage(w, h, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = thumb.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(thumb, jpeg ? "jpeg" : "png", out);
    return out.toByteArray();
  }
}
