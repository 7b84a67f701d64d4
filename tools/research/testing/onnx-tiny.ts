/**
 * Builds tiny ONNX models in memory with protobufjs from an inline subset of onnx.proto (official field
 * numbers), so tests exercise onnxruntime-node without downloading anything.
 */
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto { optional string name = 1; optional float f = 2; optional int64 i = 3; optional bytes s = 4; optional int32 type = 20; repeated int64 ints = 8; }
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto { repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4; repeated AttributeProto attribute = 5; optional string domain = 7; }
message TensorProto { repeated int64 dims = 1; optional int32 data_type = 2; repeated float float_data = 4; repeated int64 int64_data = 7; optional string name = 8; optional bytes raw_data = 9; }
message TensorShapeProto { message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; } repeated Dimension dim = 1; }
message TypeProto { message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; } optional Tensor tensor_type = 1; }
message GraphProto { repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto { optional int64 ir_version = 1; optional string producer_name = 2; optional GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
`;

export const FLOAT = 1;
export const INT64 = 7;
export const vi = (name: string, dims: (number | string)[], elemType = FLOAT) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

export function encodeModel(graph: object): Uint8Array {
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('onnx.ModelProto');
  const model = {
    irVersion: 8,
    producerName: 'goblin-tests',
    graph,
    opsetImport: [{ domain: '', version: 13 }],
  };
  return Model.encode(Model.fromObject(model)).finish();
}

/** Embedder: x[batch, inDim] · W[inDim, outDim] → LpNormalization(p=2) → emb[batch, outDim]. */
export function buildEmbedderModel(W: Float32Array, inDim: number, outDim: number): Uint8Array {
  return encodeModel({
    name: 'tiny-embed',
    node: [
      { input: ['x', 'W'], output: ['y'], opType: 'MatMul', name: 'mm' },
      {
        input: ['y'],
        output: ['emb'],
        opType: 'LpNormalization',
        name: 'norm',
        attribute: [
          { name: 'axis', type: 2, i: -1 },
          { name: 'p', type: 2, i: 2 },
        ],
      },
    ],
    initializer: [
      {
        name: 'W',
        dims: [inDim, outDim],
        dataType: FLOAT,
        rawData: Buffer.from(W.buffer, W.byteOffset, W.byteLength),
      },
    ],
    input: [vi('x', ['batch', inDim])],
    output: [vi('emb', ['batch', outDim])],
  });
}

/** Reranker: score[batch] = ReduceSum(q ⊙ p, axis 1) — the dot product of query and passage features. */
export function buildRerankerModel(dim: number): Uint8Array {
  return encodeModel({
    name: 'tiny-rerank',
    node: [
      { input: ['q', 'p'], output: ['qp'], opType: 'Mul', name: 'mul' },
      {
        input: ['qp', 'axes'],
        output: ['score'],
        opType: 'ReduceSum',
        name: 'sum',
        attribute: [{ name: 'keepdims', type: 2, i: 0 }],
      },
    ],
    initializer: [{ name: 'axes', dims: [1], dataType: INT64, int64Data: [1] }],
    input: [vi('q', ['batch', dim]), vi('p', ['batch', dim])],
    output: [vi('score', ['batch'])],
  });
}
