package org.slime4j.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import java.awt.Color;
import java.util.List;
import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.RgbImage;

/** Between ImageJ images and the core's RGB inputs and label outputs. */
public final class Images {
    /** The property that holds the part names of a label image, {@code 0=background,1=...}. */
    public static final String PARTS_PROPERTY = "SLiMe.parts";

    private Images() {
    }

    /**
     * Refuses a plot window (a training's curves, a profile) given where an image is meant: ImageJ makes a new plot
     * the current image, and segmenting or training on its picture would quietly give nonsense.
     */
    public static ImagePlus notPlot(ImagePlus imp, String toDo) {
        if (imp.getProperty(ij.gui.Plot.PROPERTY_KEY) != null) {
            throw new IllegalArgumentException("\"" + imp.getTitle() + "\" is a plot, not an image to " + toDo
                    + ": select the image first (in a macro: selectImage(\"its title\")) and run it again");
        }
        return imp;
    }

    /** The image's channels at (z, t), 1-based, mapped to RGB [0, 1] by {@code mapping}. */
    public static RgbImage rgb(ImagePlus imp, int z, int t, InputMapping mapping) {
        int w = imp.getWidth();
        int h = imp.getHeight();
        if (imp.getBitDepth() == 24) {
            ColorProcessor cp = (ColorProcessor) imp.getStack().getProcessor(imp.getStackIndex(1, z, t));
            float[][] rgb = new float[3][w * h];
            int[] px = (int[]) cp.getPixels();
            for (int i = 0; i < px.length; i++) {
                rgb[0][i] = (px[i] >> 16) & 0xff;
                rgb[1][i] = (px[i] >> 8) & 0xff;
                rgb[2][i] = px[i] & 0xff;
            }
            return mapping.apply(w, h, 24, rgb);
        }
        int channels = imp.getNChannels();
        float[][] planes = new float[channels][];
        for (int c = 1; c <= channels; c++) {
            ImageProcessor ip = imp.getStack().getProcessor(imp.getStackIndex(c, z, t));
            planes[c - 1] = (float[]) ip.convertToFloatProcessor().getPixels();
        }
        return mapping.apply(w, h, imp.getBitDepth(), planes);
    }

    /**
     * A 16-bit label image for {@code slices} (each {@code w·h} labels, in (z, t) order), with the source's
     * calibration and z/t dimensions, a distinct-colour LUT, and the part names in the slice labels and the
     * {@link #PARTS_PROPERTY} property. Pixels are written through an ImgLib2 {@code ArrayImg} over the stack's arrays.
     */
    public static ImagePlus labels(String title, List<int[]> slices, int w, int h, int depth, int frames,
                                   List<String> parts, ImagePlus source) {
        ImageStack stack = new ImageStack(w, h);
        String names = partsText(parts);
        for (int[] labels : slices) {
            short[] pixels = new short[w * h];
            ArrayImg<UnsignedShortType, ShortArray> img = ArrayImgs.unsignedShorts(pixels, w, h);
            Cursor<UnsignedShortType> cursor = img.cursor();
            int i = 0;
            while (cursor.hasNext()) {
                cursor.next().set(labels[i++]);
            }
            stack.addSlice("SLiMe " + names, pixels);
        }
        ImagePlus out = new ImagePlus(title, stack);
        out.setDimensions(1, depth, frames);
        if (depth * frames > 1) {
            out.setOpenAsHyperStack(true);
        }
        if (source != null) {
            out.setCalibration(source.getCalibration().copy());
        }
        out.getProcessor().setLut(lut(parts.size()));
        out.setDisplayRange(0, 255);
        out.setProp(PARTS_PROPERTY, names);
        return out;
    }

    static String partsText(List<String> parts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(i).append('=').append(parts.get(i));
        }
        return b.toString();
    }

    /** Black background, then well separated hues. */
    public static LUT lut(int parts) {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 1; i < 256; i++) {
            Color c = Color.getHSBColor((float) ((i - 1) * 0.618033988749895 % 1.0), 0.85f, 1f);
            r[i] = (byte) c.getRed();
            g[i] = (byte) c.getGreen();
            b[i] = (byte) c.getBlue();
        }
        return new LUT(r, g, b);
    }
}
