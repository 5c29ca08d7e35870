// The input and output names of LAC's converted network: the converter writes them into the graph and the
// inference threads feed and read them, so they live apart from the converter, which the threads never load.

export const LAC_INPUT_WORD_IDS = 'word_ids';
export const LAC_INPUT_SEQ_LENS = 'seq_lens';
export const LAC_OUTPUT_EMISSIONS = 'emissions';
