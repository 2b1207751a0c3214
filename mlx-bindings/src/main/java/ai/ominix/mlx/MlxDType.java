package ai.ominix.mlx;

import ai.ominix.mlx.c.CTypes;

/** MLX element types ({@code mlx_dtype}) with their sizes. */
public enum MlxDType {
    BOOL(CTypes.MLX_BOOL, 1),
    UINT8(CTypes.MLX_UINT8, 1),
    UINT16(CTypes.MLX_UINT16, 2),
    UINT32(CTypes.MLX_UINT32, 4),
    UINT64(CTypes.MLX_UINT64, 8),
    INT8(CTypes.MLX_INT8, 1),
    INT16(CTypes.MLX_INT16, 2),
    INT32(CTypes.MLX_INT32, 4),
    INT64(CTypes.MLX_INT64, 8),
    FLOAT16(CTypes.MLX_FLOAT16, 2),
    FLOAT32(CTypes.MLX_FLOAT32, 4),
    FLOAT64(CTypes.MLX_FLOAT64, 8),
    BFLOAT16(CTypes.MLX_BFLOAT16, 2),
    COMPLEX64(CTypes.MLX_COMPLEX64, 8);

    private final int code;
    private final int bytes;

    MlxDType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The {@code mlx_dtype} value. */
    public int code() {
        return code;
    }

    public int byteSize() {
        return bytes;
    }

    public boolean isFloating() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64 || this == BFLOAT16;
    }

    public static MlxDType of(int code) {
        for (MlxDType t : values()) {
            if (t.code == code) return t;
        }
        throw new MlxException("unknown mlx_dtype " + code);
    }
}
