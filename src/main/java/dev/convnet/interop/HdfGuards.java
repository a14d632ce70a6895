package dev.convnet.interop;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.CompoundDataType;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * What jhdf would do unasked with a Keras HDF5 file, checked first: read an attribute of any size
 * whole, follow a link to another file, read a dataset that holds no values. Formats are the HDF5
 * File Format Specification 3.0's (https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html).
 */
final class HdfGuards {
    /** Path components followed at most: Keras writes model_weights/LAYER/LAYER/kernel:0. */
    private static final int MAX_DEPTH = 16;

    private HdfGuards() {
    }

    /**
     * A string attribute, after checking the bytes it declares: a variable-length string's element
     * starts with its length (IV.A.2.w, "Variable-Length" data, 4 bytes little-endian), so that is
     * read from the attribute's own message before jhdf fetches the string from the global heap.
     *
     * @return the string, or null when there is no such attribute or it holds no single string
     * @throws InteropException when it declares more than {@code maxBytes}
     */
    static String stringAttribute(Node node, String key, int maxBytes, String name) {
        Attribute attribute = node.getAttribute(key);
        if (attribute == null) {
            return null;
        }
        long declared = declaredBytes(attribute);
        if (declared > maxBytes) {
            throw new InteropException(name + ": its '" + key + "' attribute declares " + declared + " bytes, more than the "
                    + maxBytes + " a Keras model's needs; the file is damaged or hostile");
        }
        Object data = attribute.getData();
        if (data instanceof String s) {
            return s;
        }
        if (data instanceof String[] array && array.length == 1) {
            return array[0];
        }
        return null;
    }

    /** The bytes an attribute's values declare: their own size, or for variable-length ones the lengths in their headers. */
    static long declaredBytes(Attribute attribute) {
        DataType type = attribute.getDataType();
        if (!(type instanceof VariableLength)) {
            return attribute.getSizeInBytes();
        }
        ByteBuffer raw = attribute.getBuffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int element = Math.max(4, type.getSize());
        long total = 0;
        for (int at = raw.position(); at + 4 <= raw.limit(); at += element) {
            total += Integer.toUnsignedLong(raw.getInt(at));
        }
        return total;
    }

    /**
     * The node at {@code path} under {@code group}, following no link: Keras writes weights inside
     * the file, and jhdf would open whatever file an external link names (a FIFO there hangs the
     * read for ever) and follow soft links anywhere in the file.
     *
     * @return the node, or null when a component is missing
     * @throws InteropException when a component is a link
     */
    static Node childWithinFile(Group group, String path, Supplier<String> what) {
        Node node = group;
        String[] parts = path.split("/");
        if (parts.length > MAX_DEPTH) {
            return null;
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof Group g) || !g.getChildren().containsKey(part)) {
                return null;
            }
            node = g.getChildren().get(part);
            if (node.isLink()) {
                throw new InteropException(what.get() + " is an HDF5 " + (node instanceof io.jhdf.links.ExternalLink
                        ? "external link to another file" : "link") + " (" + part + "), not a dataset; Keras writes weights "
                        + "inside the file: the file is damaged or hostile");
            }
        }
        return node;
    }

    /** A dataset that was created but never written holds only its fill value: there are no weights in it. */
    static void checkStored(Dataset dataset, Supplier<String> what) {
        if (dataset.getSize() > 0 && (dataset.isEmpty() || dataset.getStorageInBytes() == 0)) { // jhdf: empty = none allocated
            throw new InteropException(what.get() + " was never written (the HDF5 dataset holds no values, only its fill "
                    + "value); the file is incomplete: save the model again");
        }
    }

    /** A datatype as a person reads it: float16 … float64, int32, h5py's bool (an enum), complex (a compound). */
    static String describe(DataType type) {
        if (type instanceof FloatingPoint) {
            return "float" + type.getSize() * 8;
        }
        if (type instanceof FixedPoint fixed) {
            return (fixed.isSigned() ? "int" : "uint") + type.getSize() * 8;
        }
        if (type instanceof EnumDataType) {
            return "enumerated (h5py writes bool so)";
        }
        if (type instanceof CompoundDataType) {
            return "compound (h5py writes complex numbers so)";
        }
        if (type instanceof StringData || type instanceof VariableLength) {
            return "string";
        }
        return type.getClass().getSimpleName();
    }
}
