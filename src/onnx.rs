//! One ONNX model behind a lock, with its input/output contract checked when it is loaded.
//!
//! `ort::Session::run` takes `&mut self` (ONNX Runtime's allocators are not thread safe), so each
//! model holds one session behind a `Mutex`. Callers tokenise outside the lock and hold it only for
//! `run` and the read-out of the output.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};

use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::models::ModelFiles;

const KNOWN_INPUTS: [&str; 3] = ["input_ids", "attention_mask", "token_type_ids"];

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    #[default]
    Cpu,
    /// NVIDIA GPU through ONNX Runtime's CUDA execution provider (needs the onnxruntime-gpu build
    /// of the library, with CUDA and cuDNN installed).
    Cuda,
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
    session: Mutex<Session>,
    wants_type_ids: bool,
    output: OutputContract,
    /// Wall time spent inside `Session::run`, for the benchmark's "time outside ONNX" figure.
    run_nanos: AtomicU64,
}

impl OnnxModel {
    pub fn load(environment: &Environment, files: &ModelFiles, intra_threads: usize, device: Device, output: OutputContract) -> Result<Self> {
        let ort_error = |e: ort::Error| Error::ModelFile { path: files.onnx.clone(), reason: e.to_string() };
        let mut builder = Session::builder(environment).map_err(ort_error)?;
        if device == Device::Cuda {
            builder = builder.with_execution_providers([ort::ep::CUDA::default().build().error_on_failure()]).map_err(|e| {
                Error::RuntimeLibrary(format!("the CUDA execution provider is not available ({e}); install onnxruntime-gpu with CUDA 12 and cuDNN 9, or use device=\"cpu\""))
            })?;
        }
        let session = builder
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| ort_error(e.into()))?
            .with_intra_threads(intra_threads.max(1))
            .map_err(|e| ort_error(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| ort_error(e.into()))?
            .commit_from_file(&files.onnx)
            .map_err(ort_error)?;
        let wants_type_ids = check_inputs(&files.name, &session)?;
        check_output(&files.name, &session, output)?;
        Ok(Self { name: files.name.clone(), session: Mutex::new(session), wants_type_ids, output, run_nanos: AtomicU64::new(0) })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Total seconds spent inside ONNX Runtime's `run` since the model was loaded.
    pub fn run_seconds(&self) -> f64 {
        self.run_nanos.load(Ordering::Relaxed) as f64 * 1e-9
    }

    fn tensor<'a>(&self, shape: [usize; 2], data: &'a [i64]) -> Result<TensorRef<'a, i64>> {
        TensorRef::from_array_view((shape, data)).map_err(|e| Error::inference(&self.name, e))
    }

    /// Run one batch and hand the output (shape, flat data) to `read`, which must copy what it needs.
    pub fn run<R>(&self, batch: &Batch, read: impl FnOnce(&[usize], &[f32]) -> Result<R>) -> Result<R> {
        let shape = batch.shape();
        let mut inputs = vec![
            ("input_ids", self.tensor(shape, &batch.ids)?),
            ("attention_mask", self.tensor(shape, &batch.mask)?),
        ];
        if self.wants_type_ids {
            inputs.push(("token_type_ids", self.tensor(shape, &batch.type_ids)?));
        }
        let mut session = self.session.lock().map_err(|_| Error::Poisoned("ONNX session"))?;
        let started = Instant::now();
        let outputs = session.run(inputs).map_err(|e| Error::inference(&self.name, e))?;
        self.run_nanos.fetch_add(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
        let value = outputs
            .get(self.output.name)
            .ok_or_else(|| Error::contract(&self.name, format!("no output named `{}`", self.output.name)))?;
        let (out_shape, data) = value.try_extract_tensor::<f32>().map_err(|e| Error::inference(&self.name, e))?;
        let dims: Vec<usize> = out_shape.iter().map(|&d| usize::try_from(d).unwrap_or(0)).collect();
        let expected_rows = batch.rows;
        if dims.len() != self.output.rank || dims.first() != Some(&expected_rows) || dims.last() != Some(&self.output.width) {
            return Err(Error::contract(
                &self.name,
                format!("output `{}` has shape {dims:?}; expected rank {} with {} rows and last axis {}", self.output.name, self.output.rank, expected_rows, self.output.width),
            ));
        }
        read(&dims, data)
    }
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
