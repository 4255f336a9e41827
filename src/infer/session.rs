//! One ONNX model as a few parallel sessions ("lanes"), with its input/output contract checked
//! when it is loaded.
//!
//! Why lanes: on a few cores, one session with N intra-op threads spends much of each `run`
//! synchronising its threads over small matrices (a batch of short sentences). N sessions with one
//! intra-op thread each, every one running its own batch, keep all cores busy on independent work;
//! a probe here measured 1.1x to 1.4x more sentences/s at 2 cores for the same model. The price is
//! memory: each session holds its own copy of the weights (about 150 MiB for MiniLM-L6), so the
//! number of lanes is capped (see [`ThreadLayout::for_threads`]).
//!
//! `ort::Session::run` takes `&mut self` (ONNX Runtime's allocators are not thread safe), so each
//! lane is a session behind a `Mutex`, held only for `run` and the read-out of the output.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};

use ndarray::Array2;
use tokenizers::Encoding;

use crate::error::{Error, Result};
use crate::infer::batch::{plan_batches, Batch};
use crate::infer::busy_clock::BusyClock;
use crate::infer::models::ModelFiles;
use crate::infer::runtime::ORT_VERSION;

const KNOWN_INPUTS: [&str; 3] = ["input_ids", "attention_mask", "token_type_ids"];

/// Small batches win on the CPU: with one session per core (lanes), batches of 8 gave more
/// sentences/s and mentions/s than 16, 32 or 64 here (bench/perf.py --batch-size); the plain
/// Python pipeline is also fastest at 8.
pub const DEFAULT_BATCH_SIZE: usize = 8;
/// Large batches win on a GPU: on an H100, sentences/s rose up to 256-512 (bench/gpu.py); 256
/// keeps the activations of the longest batches under 1 GiB for smaller cards.
pub const DEFAULT_GPU_BATCH_SIZE: usize = 256;

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    #[default]
    Cpu,
    /// NVIDIA GPU through ONNX Runtime's CUDA execution provider (needs the onnxruntime-gpu build
    /// of the library, with CUDA and cuDNN installed).
    Cuda,
}

impl Device {
    /// `"cpu"` or `"cuda"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "cpu" => Ok(Device::Cpu),
            "cuda" => Ok(Device::Cuda),
            other => Err(Error::InvalidInput(format!("device must be \"cpu\" or \"cuda\", got {other:?}"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda => "cuda",
        }
    }

    /// Inputs per model call when the caller leaves it to the device.
    pub fn default_batch_size(self) -> usize {
        match self {
            Device::Cpu => DEFAULT_BATCH_SIZE,
            Device::Cuda => DEFAULT_GPU_BATCH_SIZE,
        }
    }
}

/// Lanes beyond this many cost more memory than they win back in speed.
pub const MAX_AUTO_LANES: usize = 4;

/// How a model's share of the cores is used: `lanes` sessions running batches side by side, each
/// with `intra_threads` ONNX Runtime threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadLayout {
    pub lanes: usize,
    pub intra_threads: usize,
}

impl ThreadLayout {
    /// The layout for `threads` cores. `lanes = 0` picks one lane per core up to
    /// [`MAX_AUTO_LANES`] on the CPU, and one lane on a GPU (the device does the parallel work).
    pub fn for_threads(threads: usize, lanes: usize, device: Device) -> Self {
        let threads = threads.max(1);
        let lanes = match (lanes, device) {
            (0, Device::Cuda) => 1,
            (0, Device::Cpu) => threads.min(MAX_AUTO_LANES),
            (n, _) => n,
        };
        Self { lanes, intra_threads: (threads / lanes).max(1) }
    }
}

/// What a model must produce: one float32 output of the given rank whose last axis has `width`.
#[derive(Debug, Clone, Copy)]
pub struct OutputContract {
    pub name: &'static str,
    pub rank: usize,
    pub width: usize,
}

pub struct OnnxModel {
    name: String,
    lanes: Vec<Mutex<Session>>,
    wants_type_ids: bool,
    output: OutputContract,
    /// Wall time with some lane inside `Session::run`, for the benchmark's "time outside ONNX" figure.
    busy: BusyClock,
}

impl OnnxModel {
    pub fn load(environment: &Environment, files: &ModelFiles, layout: ThreadLayout, device: Device, output: OutputContract) -> Result<Self> {
        let lanes =
            (0..layout.lanes.max(1)).map(|_| open_session(environment, files, layout.intra_threads, device).map(Mutex::new)).collect::<Result<Vec<_>>>()?;
        let first = lanes[0].lock().map_err(|_| Error::Poisoned("ONNX session"))?;
        let wants_type_ids = check_inputs(&files.name, &first)?;
        check_output(&files.name, &first, output)?;
        drop(first);
        Ok(Self { name: files.name.clone(), lanes, wants_type_ids, output, busy: BusyClock::default() })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Wall-clock seconds with at least one lane inside ONNX Runtime's `run` since loading.
    pub fn run_seconds(&self) -> f64 {
        self.busy.seconds()
    }

    fn tensor<'a>(&self, shape: [usize; 2], data: &'a [i64]) -> Result<TensorRef<'a, i64>> {
        TensorRef::from_array_view((shape, data)).map_err(|e| Error::inference(&self.name, e))
    }

    /// `width` floats per encoding, row `i` for `encodings[i]`. The encodings run in batches of at
    /// most `batch_size` of similar length (see [`plan_batches`]), spread over the lanes; for each
    /// batch, `reduce(batch, output_dims, output, rows_out)` turns the model output into `width`
    /// floats per batch row (`rows_out` is `batch.rows * width` long).
    pub fn run_rows(
        &self,
        encodings: &[Encoding],
        batch_size: usize,
        width: usize,
        reduce: impl Fn(&Batch, &[usize], &[f32], &mut [f32]) + Sync,
    ) -> Result<Array2<f32>> {
        self.run_rows_indexed(encodings, batch_size, width, |batch, _, dims, output, rows_out| reduce(batch, dims, output, rows_out))
    }

    /// [`OnnxModel::run_rows`], with `reduce` also told which encodings the batch rows are
    /// (`rows[r]` is the index into `encodings` of batch row `r`), for callers that keep more of
    /// the output than the `width` floats per row.
    pub fn run_rows_indexed(
        &self,
        encodings: &[Encoding],
        batch_size: usize,
        width: usize,
        reduce: impl Fn(&Batch, &[usize], &[usize], &[f32], &mut [f32]) + Sync,
    ) -> Result<Array2<f32>> {
        let lengths: Vec<usize> = encodings.iter().map(Encoding::len).collect();
        let plan = plan_batches(&lengths, batch_size, batch_size * 128);
        let mut out = Array2::<f32>::zeros((encodings.len(), width));
        self.run_planned(encodings, &plan, width, out.as_slice_mut().unwrap_or_default(), reduce)?;
        Ok(out)
    }

    /// Run every batch of `plan` (rows of `encodings`), spread over the lanes; the rows of each
    /// batch land in rows `plan[b][r]` of `out` (row-major, `width` wide). Stops at the first error.
    fn run_planned(
        &self,
        encodings: &[Encoding],
        plan: &[Vec<usize>],
        width: usize,
        out: &mut [f32],
        reduce: impl Fn(&Batch, &[usize], &[usize], &[f32], &mut [f32]) + Sync,
    ) -> Result<()> {
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let out = Mutex::new(out);
        let lane_work = |lane: usize| -> Result<()> {
            let mut batch = Batch::default();
            let mut rows_out: Vec<f32> = Vec::new();
            while !failed.load(Ordering::Relaxed) {
                let Some(rows) = plan.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                batch.fill(rows.iter().map(|&i| &encodings[i]));
                rows_out.clear();
                rows_out.resize(rows.len() * width, 0.0);
                let ran = self.run_on(lane, &batch, |dims, data| {
                    reduce(&batch, rows, dims, data, &mut rows_out);
                    Ok(())
                });
                if let Err(e) = ran {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                let mut out = out.lock().map_err(|_| Error::Poisoned("inference output"))?;
                for (r, &row) in rows.iter().enumerate() {
                    out[row * width..(row + 1) * width].copy_from_slice(&rows_out[r * width..(r + 1) * width]);
                }
            }
            Ok(())
        };
        let lanes = self.lanes.len().min(plan.len());
        if lanes <= 1 {
            return lane_work(0);
        }
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..lanes).map(|lane| scope.spawn(move || lane_work(lane))).collect();
            // Join every lane before reporting, so no lane is left running; the first error wins.
            let results: Vec<Result<()>> = workers.into_iter().map(|w| w.join().unwrap_or(Err(Error::Poisoned("inference lane")))).collect();
            results.into_iter().collect()
        })
    }

    /// Run one batch on one lane and hand the output (shape, flat data) to `read`.
    fn run_on<R>(&self, lane: usize, batch: &Batch, read: impl FnOnce(&[usize], &[f32]) -> Result<R>) -> Result<R> {
        let shape = batch.shape();
        let mut inputs = vec![("input_ids", self.tensor(shape, &batch.ids)?), ("attention_mask", self.tensor(shape, &batch.mask)?)];
        if self.wants_type_ids {
            inputs.push(("token_type_ids", self.tensor(shape, &batch.type_ids)?));
        }
        let mut session = self.lanes[lane].lock().map_err(|_| Error::Poisoned("ONNX session"))?;
        let inside = self.busy.enter();
        let outputs = session.run(inputs).map_err(|e| Error::inference(&self.name, e))?;
        drop(inside);
        let value = outputs.get(self.output.name).ok_or_else(|| Error::contract(&self.name, format!("no output named `{}`", self.output.name)))?;
        let (out_shape, data) = value.try_extract_tensor::<f32>().map_err(|e| Error::inference(&self.name, e))?;
        let dims: Vec<usize> = out_shape.iter().map(|&d| usize::try_from(d).unwrap_or(0)).collect();
        let expected_rows = batch.rows;
        if dims.len() != self.output.rank || dims.first() != Some(&expected_rows) || dims.last() != Some(&self.output.width) {
            return Err(Error::contract(
                &self.name,
                format!(
                    "output `{}` has shape {dims:?}; expected rank {} with {} rows and last axis {}",
                    self.output.name, self.output.rank, expected_rows, self.output.width
                ),
            ));
        }
        read(&dims, data)
    }
}

fn open_session(environment: &Environment, files: &ModelFiles, intra_threads: usize, device: Device) -> Result<Session> {
    let ort_error = |e: ort::Error| Error::ModelFile { path: files.onnx.clone(), reason: e.to_string() };
    let mut builder = Session::builder(environment).map_err(ort_error)?;
    if device == Device::Cuda {
        builder = builder.with_execution_providers([ort::ep::CUDA::default().build().error_on_failure()]).map_err(|e| {
            Error::RuntimeLibrary(format!("the CUDA execution provider is not available ({e}); onnxruntime-gpu {ORT_VERSION} needs CUDA 13 and cuDNN 9 (`pip install onnxruntime-gpu[cuda,cudnn]=={ORT_VERSION}`), or use device=\"cpu\""))
        })?;
    } else {
        // ONNX Runtime's CPU SkipLayerNormalization kernel is slower than the Add + LayerNormalization
        // it replaces: with the fusion off, MiniLM-L6 ran 4% more sentences/s on one thread here
        // (ORT 1.31 profile: the fused op took 5.8% of the time, Add + LayerNormalization 1.3%).
        builder = builder.with_disabled_optimizers("SkipLayerNormFusion").map_err(|e| ort_error(e.into()))?;
    }
    builder
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| ort_error(e.into()))?
        .with_intra_threads(intra_threads.max(1))
        .map_err(|e| ort_error(e.into()))?
        .with_inter_threads(1)
        .map_err(|e| ort_error(e.into()))?
        .commit_from_file(&files.onnx)
        .map_err(ort_error)
}

/// The model must take `input_ids` and `attention_mask` (and may take `token_type_ids`), all int64.
fn check_inputs(model: &str, session: &Session) -> Result<bool> {
    let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
    for input in session.inputs() {
        if !KNOWN_INPUTS.contains(&input.name()) {
            return Err(Error::contract(model, format!("unexpected input `{}`; inputs are {names:?}, expected {KNOWN_INPUTS:?}", input.name())));
        }
        if input.dtype().tensor_type() != Some(TensorElementType::Int64) {
            return Err(Error::contract(model, format!("input `{}` is {}, expected an int64 tensor", input.name(), input.dtype())));
        }
    }
    for required in &KNOWN_INPUTS[..2] {
        if !names.contains(required) {
            return Err(Error::contract(model, format!("missing input `{required}`; inputs are {names:?}")));
        }
    }
    Ok(names.contains(&"token_type_ids"))
}

fn check_output(model: &str, session: &Session, contract: OutputContract) -> Result<()> {
    let names: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
    let output = session
        .outputs()
        .iter()
        .find(|o| o.name() == contract.name)
        .ok_or_else(|| Error::contract(model, format!("no output named `{}`; outputs are {names:?}", contract.name)))?;
    let ValueType::Tensor { ty, shape, .. } = output.dtype() else {
        return Err(Error::contract(model, format!("output `{}` is {}, expected a float32 tensor", contract.name, output.dtype())));
    };
    if *ty != TensorElementType::Float32 || shape.len() != contract.rank {
        return Err(Error::contract(
            model,
            format!("output `{}` is {} of rank {}, expected float32 of rank {}", contract.name, ty, shape.len(), contract.rank),
        ));
    }
    // A static last axis must match; a dynamic one (-1) is checked on every run instead.
    let last = shape.last().copied().unwrap_or(-1);
    if last >= 0 && usize::try_from(last).ok() != Some(contract.width) {
        return Err(Error::contract(model, format!("output `{}` has last axis {last}, expected {}", contract.name, contract.width)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(threads: usize, lanes: usize, device: Device) -> (usize, usize) {
        let l = ThreadLayout::for_threads(threads, lanes, device);
        (l.lanes, l.intra_threads)
    }

    #[test]
    fn cpu_gives_one_lane_per_core_up_to_the_cap() {
        assert_eq!(layout(1, 0, Device::Cpu), (1, 1));
        assert_eq!(layout(2, 0, Device::Cpu), (2, 1));
        assert_eq!(layout(3, 0, Device::Cpu), (3, 1));
        assert_eq!(MAX_AUTO_LANES, 4);
        // Past the cap the cores are shared out inside each lane.
        assert_eq!(layout(8, 0, Device::Cpu), (4, 2));
        assert_eq!(layout(9, 0, Device::Cpu), (4, 2)); // the odd core is left idle, not oversubscribed
    }

    #[test]
    fn zero_threads_means_one() {
        assert_eq!(layout(0, 0, Device::Cpu), (1, 1));
        assert_eq!(layout(0, 0, Device::Cuda), (1, 1));
    }

    #[test]
    fn explicit_lanes_are_kept_and_split_the_cores() {
        assert_eq!(layout(8, 1, Device::Cpu), (1, 8));
        assert_eq!(layout(8, 2, Device::Cpu), (2, 4));
        assert_eq!(layout(3, 2, Device::Cpu), (2, 1));
        // More lanes than cores: every lane still gets one thread.
        assert_eq!(layout(2, 6, Device::Cpu), (6, 1));
    }

    #[test]
    fn gpu_runs_one_lane_unless_told_otherwise() {
        assert_eq!(layout(1, 0, Device::Cuda), (1, 1));
        assert_eq!(layout(8, 0, Device::Cuda), (1, 8));
        assert_eq!(layout(8, 2, Device::Cuda), (2, 4));
    }
}
