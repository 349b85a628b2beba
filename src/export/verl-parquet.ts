/**
 * verl's dataset file: parquet, one row per step, with the nested columns verl's RLHFDataset reads
 * (a list of message structs, each with its tool calls, two structs). The rows become an Apache Arrow table, which
 * parquet-wasm (the Rust parquet crate compiled to WebAssembly) writes with standard LIST and
 * struct encodings and the Arrow schema embedded, so pyarrow and HF datasets read the columns back
 * with their types.
 */
import { Field, Int64, List, Struct, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { VerlRow } from './formats.js';

const text = (name: string): Field => new Field(name, new Utf8(), false);

/** `tool_calls: [{type: "function", function: {name, arguments}}]`, null on a message without calls. */
const TOOL_CALL = new Struct([text('type'), new Field('function', new Struct([text('name'), text('arguments')]), false)]);
const MESSAGE = new Struct([text('role'), text('content'), new Field('tool_calls', new List(new Field('element', TOOL_CALL, false)), true)]);

function columns(groundTruth: Field[], extraInfo: Field[]) {
  return {
    data_source: new Utf8(),
    prompt: new List(new Field('element', MESSAGE, false)),
    ability: new Utf8(),
    reward_model: new Struct([text('style'), new Field('ground_truth', new Struct(groundTruth), false)]),
    extra_info: new Struct([text('split'), new Field('index', new Int64(), false), text('instance_id'), new Field('step_index', new Int64(), false), ...extraInfo]),
  } as const;
}

/** The column types, in verl's order: SWE rows' ground truth is {target, tool_format}. */
export const VERL_COLUMNS = columns([text('target'), text('tool_format')], []);
/** Math rows' ground truth is {target, domain}, and extra_info carries the problem's answer. */
export const VERL_MATH_COLUMNS = columns([text('target'), text('domain')], [text('answer')]);

/** The parquet file's bytes for these rows (snappy-compressed, as pandas writes by default); one file holds one domain's rows. */
export function verlParquetBytes(rows: readonly VerlRow[]): Uint8Array {
  const math = rows.length > 0 && 'domain' in rows[0]!.reward_model.ground_truth;
  if (rows.some((row) => 'domain' in row.reward_model.ground_truth !== math)) throw new Error('verlParquetBytes: SWE and math rows in one file');
  const types = math ? VERL_MATH_COLUMNS : VERL_COLUMNS;
  const table = new Table({
    data_source: vectorFromArray(rows.map((row) => row.data_source), types.data_source),
    prompt: vectorFromArray(rows.map((row) => row.prompt), types.prompt),
    ability: vectorFromArray(rows.map((row) => row.ability), types.ability),
    reward_model: vectorFromArray(rows.map((row) => row.reward_model), types.reward_model),
    extra_info: vectorFromArray(
      rows.map((row) => ({ ...row.extra_info, index: BigInt(row.extra_info.index), step_index: BigInt(row.extra_info.step_index) })),
      types.extra_info,
    ),
  });
  const properties = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).build();
  return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), properties);
}
