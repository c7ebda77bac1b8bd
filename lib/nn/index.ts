// The nn namespace: modules, losses and initialisers.
export { Module } from './module';
export type { StateDict, LoadStateDictOptions, LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export { Linear } from './linear';
export type { LinearOptions } from './linear';
export { ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, SiLU, Softplus, Softmax, LogSoftmax, Identity, Flatten, Hardtanh, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, Mish, SELU, Softsign, Tanhshrink, PReLU } from './activation';
export { Conv2d, MaxPool2d, MaxUnpool2d, AvgPool2d } from './conv';
export type { Conv2dLayerOptions, PaddingMode } from './conv';
export { Conv1d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxUnpool1d, AvgPool1d } from './conv_more';
export { Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d } from './conv3d';
export type { Conv3dLayerOptions, ConvTranspose3dLayerOptions } from './conv3d';
export { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d } from './adaptive';
export { Unfold, Fold } from './fold';
export { RNN, LSTM, GRU } from './rnn';
export { RNNCell, LSTMCell, GRUCell } from './rnn_cell';
export type { RNNCellOptions, RNNCellLayerOptions, LSTMCellState } from './rnn_cell';
export type { RNNOptions, RNNLayerOptions, RNNResult } from './rnn';
export type { AdaptiveSize2, AdaptiveSize3 } from './adaptive';
export type { Conv1dLayerOptions, ConvTranspose1dLayerOptions, ConvTranspose2dLayerOptions } from './conv_more';
export { Sequential } from './sequential';
export { MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss } from './loss_extra';
export type { MarginLossOptions, ReductionOptions, TripletMarginOptions, PoissonNLLOptions, GaussianNLLOptions } from './loss_extra';
export { Hardshrink, Softshrink, Threshold, CELU, GLU, Softmin, Unflatten, CosineSimilarity, PairwiseDistance } from './activation_extra';
export { ModuleList, ModuleDict } from './containers';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention';
export type { MultiheadAttentionOptions, AttentionOptions, AttentionResult } from './attention';
export { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer } from './transformer';
export type { TransformerEncoderLayerOptions, TransformerEncoderOptions, TransformerDecoderLayerOptions, TransformerDecoderOptions, TransformerOptions } from './transformer';
export { Dropout, Dropout2d } from './dropout';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle,
} from './pad_resize';
export type { Padding1d, Padding2d, Padding3d, UpsamplingOptions } from './pad_resize';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batchnorm';
export { LayerNorm } from './layernorm';
export { GroupNorm } from './groupnorm';
export type { GroupNormOptions } from './groupnorm';
export type { LayerNormOptions } from './layernorm';
export { Embedding } from './embedding';
export type { EmbeddingOptions } from './embedding';
export type { BatchNormOptions } from './batchnorm';
export { Loss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss } from './loss';
export type { LossOptions, KLDivOptions, SmoothL1Options, HuberOptions, BCEOptions, BCEWithLogitsOptions, ClassLossOptions, CrossEntropyOptions, Reduction, KLDivReduction, ClassTarget } from './loss';
export * as init from './init';
export * as functional from './functional';
export * as utils from './utils';
