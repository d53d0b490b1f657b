/** Writes little-endian fields into a buffer of a known size. */
export class ByteWriter {
  private readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.alloc(size);
  }

  u8(value: number): this {
    this.offset = this.buffer.writeUInt8(value, this.offset);
    return this;
  }

  u16(value: bigint): this {
    this.offset = this.buffer.writeUInt16LE(Number(value), this.offset);
    return this;
  }

  u64(value: bigint): this {
    this.offset = this.buffer.writeBigUInt64LE(value, this.offset);
    return this;
  }

  i64(value: bigint): this {
    this.offset = this.buffer.writeBigInt64LE(value, this.offset);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** Returns the buffer; throws if the fields written do not fill it exactly. */
  finish(): Buffer {
    if (this.offset !== this.buffer.length) {
      throw new Error(`serialized ${this.offset} bytes into a ${this.buffer.length}-byte buffer`);
    }
    return this.buffer;
  }
}
