/**
 * CMSIS-NN's LSTM figures for the reference models, measured with the same method (QEMU -icount
 * and SysTick, INSTRUCTIONS per step, not cycles), -O2, gcc 12.2, per step; given in the issue
 * that asked for this bench. Shown beside ours in bench/results.md; never computed here.
 */
export interface CmsisFigure {
  target: string;
  kernel: string;
  S: number;
  M: number;
  L: number;
}

export const CMSIS_NN_FIGURES: readonly CmsisFigure[] = [
  { target: "cortex-m4", kernel: "CMSIS-NN int8 (arm_lstm_unidirectional_s8)", S: 13_053, M: 29_406, L: 87_978 },
  { target: "cortex-m4", kernel: "CMSIS-NN int16 (arm_lstm_unidirectional_s16)", S: 14_739, M: 34_638, L: 106_505 },
  { target: "cortex-m55", kernel: "CMSIS-NN int8, Helium (MVE)", S: 6_638, M: 12_518, L: 30_999 },
];

/** The size goal for M in stream mode (the issue's): the model's flash and its RAM (state + scratch). */
export const SIZE_GOAL = { model: "M", flashBytes: 9 * 1024, ramBytes: 256 } as const;
