//! The wasm modules' memory allocator: size classes with one free list each, carved from the
//! memory the module grows.
//!
//! std's allocator on `wasm32-unknown-unknown` is dlmalloc: ≈ 8 KB of code before wasm-opt
//! (≈ 3 KB gzip) and ≈ 9 % of the page's time in a simulator run (issue 6; BENCHMARKS.md). The
//! modules are single-threaded and their allocations are the simulator's own: many small blocks
//! of a few sizes, freed and made again every step, and vectors that grow. So a block here is
//! rounded up to its size class: multiples of 16 bytes up to 128, then four classes per power of
//! two (so at most a quarter of a large block is unused); a freed block goes on its class's list
//! and the next allocation of that class takes it back. Nothing is merged or split, so finding a
//! block is a few instructions either way. Memory that a class once held stays with that class
//! (wasm memory never shrinks anyway), which is flat for a run whose working set is steady: the
//! browser soak test (`e2e/soak.test.mjs`) asserts the plateau over a virtual hour.
//!
//! The bookkeeping ([`Heap`]) takes its memory from a [`Source`], so that the native tests run
//! the same code over a buffer; the module's global allocator (`WasmAlloc`, wasm32 only) grows
//! the wasm memory.

use core::alloc::Layout;

/// Every block is 16-aligned and a multiple of 16 bytes long.
const GRAIN: usize = 16;
/// The largest block of the small classes (multiples of [`GRAIN`]).
const SMALL_MAX: usize = 128;
/// Number of small classes: 16, 32, … 128.
const SMALL_CLASSES: usize = SMALL_MAX / GRAIN;
/// The largest request served: a wasm32 allocation is at most `isize::MAX` bytes.
const MAX_REQUEST: usize = 1 << 31;
/// Number of classes: the small ones, then four per power of two from 128 up to 2^31.
pub const CLASSES: usize = SMALL_CLASSES + 4 * (31 - 7);
/// A wasm memory page.
pub const PAGE: usize = 64 * 1024;
/// Memory is grown by at least this many pages at a time (1 MiB), so that growing is rare.
const MIN_GROW_PAGES: usize = 16;

/// Where a [`Heap`] gets fresh memory.
pub trait Source {
    /// Adds `pages` pages of zeroed memory and returns the address of the first, or `None` if
    /// there is no more memory.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The class of a request of `size` bytes (1 ..= 2^31): its index and its block size.
#[inline(always)]
pub fn class_of(size: usize) -> (usize, usize) {
    debug_assert!((1..=MAX_REQUEST).contains(&size));
    if size <= SMALL_MAX {
        let index = (size - 1) / GRAIN;
        return (index, (index + 1) * GRAIN);
    }
    // 2^p < size <= 2^(p+1), p >= 7; the four classes of that octave are 2^p + k * 2^(p-2).
    let p = (usize::BITS - 1 - (size - 1).leading_zeros()) as usize;
    let step = 1 << (p - 2);
    let k = (size - (1 << p)).div_ceil(step);
    (SMALL_CLASSES + (p - 7) * 4 + (k - 1), (1 << p) + k * step)
}

/// The allocator's state: one free list per class and the unused end of the memory grown last.
pub struct Heap<S> {
    source: S,
    /// The head of each class's free list (0: empty); a free block holds the next one's address.
    free: [usize; CLASSES],
    /// The next unused address of the region grown last, and its end.
    bump: usize,
    end: usize,
}

impl<S: Source> Heap<S> {
    /// An empty heap over `source`.
    pub const fn new(source: S) -> Heap<S> {
        Heap {
            source,
            free: [0; CLASSES],
            bump: 0,
            end: 0,
        }
    }

    /// The class a layout is served from: over-aligned layouts take `align` bytes more, to make
    /// room for the aligned start and the block's own address just below it.
    #[inline(always)]
    fn class(layout: Layout) -> Option<(usize, usize)> {
        let mut size = layout.size().max(1);
        if layout.align() > GRAIN {
            size = size.checked_add(layout.align())?;
        }
        (size <= MAX_REQUEST).then(|| class_of(size))
    }

    /// A block for `layout`, or null when memory cannot grow.
    ///
    /// Inlined: most layouts are constants, so the class folds away at the call and what is
    /// left is taking the head of a list.
    ///
    /// # Safety
    /// The heap's source must hand out memory no one else uses.
    #[inline(always)]
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        if layout.align() > GRAIN {
            return self.alloc_aligned(layout);
        }
        let Some((index, block)) = Self::class(layout) else {
            return core::ptr::null_mut();
        };
        self.take(index, block) as *mut u8
    }

    /// Gives back a block [`Heap::alloc`] returned for the same `layout`.
    ///
    /// # Safety
    /// `ptr` came from this heap's `alloc` (or `realloc`) with this `layout`, and is not used
    /// after.
    #[inline(always)]
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        let Some((index, _)) = Self::class(layout) else {
            return;
        };
        let raw = if layout.align() <= GRAIN {
            ptr as usize
        } else {
            (((ptr as usize) - core::mem::size_of::<usize>()) as *const usize).read()
        };
        (raw as *mut usize).write(self.free[index]);
        self.free[index] = raw;
    }

    /// Resizes a block: the same block while the new size stays in its class, else a new block
    /// holding the old contents.
    ///
    /// # Safety
    /// As [`Heap::dealloc`] for `ptr` and `layout`; `new_size` is not zero.
    #[inline(never)]
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if layout.align() <= GRAIN {
            let old = Self::class(layout);
            if old.is_some() && old == Self::class(new_layout) {
                return ptr;
            }
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }

    /// A block for a layout aligned to more than 16 bytes: a block `align` bytes larger, with
    /// the block's own address stored just below the aligned start.
    #[inline(never)]
    unsafe fn alloc_aligned(&mut self, layout: Layout) -> *mut u8 {
        let Some((index, block)) = Self::class(layout) else {
            return core::ptr::null_mut();
        };
        let raw = self.take(index, block);
        if raw == 0 {
            return core::ptr::null_mut();
        }
        // The first multiple of `align` past `raw`: at least 16 bytes in, at most `align`.
        let aligned = (raw + layout.align()) & !(layout.align() - 1);
        ((aligned - core::mem::size_of::<usize>()) as *mut usize).write(raw);
        aligned as *mut u8
    }

    /// A block of class `index` (`block` bytes): the last one freed, else fresh memory (0 when
    /// memory cannot grow).
    #[inline(always)]
    fn take(&mut self, index: usize, block: usize) -> usize {
        let head = self.free[index];
        if head != 0 {
            // SAFETY: a block on a free list holds the address of the next one.
            self.free[index] = unsafe { (head as *const usize).read() };
            return head;
        }
        self.fresh(block)
    }

    /// A block of `block` bytes from memory never handed out (0 when memory cannot grow).
    #[inline(never)]
    fn fresh(&mut self, block: usize) -> usize {
        if self.end - self.bump < block {
            let pages = block.div_ceil(PAGE).max(MIN_GROW_PAGES);
            let Some(start) = self.source.grow(pages) else {
                return 0;
            };
            // A region ending at 4 GiB would wrap a 32-bit address to 0: refused (wasm32's
            // memory cannot grow past that anyway).
            let Some(end) = start.checked_add(pages * PAGE) else {
                return 0;
            };
            // Memory grown right after the region continues it; anything else starts anew
            // (the rest of the old region is left unused). Either way `block` now fits.
            if start != self.end {
                self.bump = start;
            }
            self.end = end;
        }
        let at = self.bump;
        self.bump += block;
        at
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{Heap, Source, PAGE};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    /// The wasm module's memory.
    struct Memory;

    impl Source for Memory {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let old = core::arch::wasm32::memory_grow(0, pages);
            (old != usize::MAX).then(|| old * PAGE)
        }
    }

    /// The global allocator of the wasm modules: one [`Heap`] over the module's memory.
    struct WasmAlloc(UnsafeCell<Heap<Memory>>);

    // The modules are built without the `atomics` feature: one thread, so no two calls overlap
    // (a global allocator is never re-entered: the heap calls no allocator).
    #[cfg(not(target_feature = "atomics"))]
    unsafe impl Sync for WasmAlloc {}

    unsafe impl GlobalAlloc for WasmAlloc {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            (*self.0.get()).alloc(layout)
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            (*self.0.get()).dealloc(ptr, layout)
        }

        #[inline]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            (*self.0.get()).realloc(ptr, layout, new_size)
        }
    }

    #[global_allocator]
    static ALLOCATOR: WasmAlloc = WasmAlloc(UnsafeCell::new(Heap::new(Memory)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source over a buffer of `pages` pages, handed out in order.
    struct Buffer {
        memory: Vec<u128>,
        used: usize,
        grows: usize,
    }

    impl Buffer {
        fn new(pages: usize) -> Buffer {
            Buffer {
                memory: vec![0; pages * PAGE / 16],
                used: 0,
                grows: 0,
            }
        }
    }

    impl Source for Buffer {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let bytes = pages * PAGE;
            if self.used + bytes > self.memory.len() * 16 {
                return None;
            }
            let start = self.memory.as_ptr() as usize + self.used;
            self.used += bytes;
            self.grows += 1;
            Some(start)
        }
    }

    #[test]
    fn classes_cover_every_size_in_order_and_waste_at_most_a_quarter_above_128() {
        for size in (1..=70_000).chain([1 << 20, (1 << 20) + 1, (3 << 29) + 5, MAX_REQUEST]) {
            let (index, block) = class_of(size);
            assert!(
                block >= size && block % GRAIN == 0,
                "size {size}: block {block}"
            );
            assert!(index < CLASSES, "size {size}: class {index}");
            let waste = if size > SMALL_MAX {
                block / 4
            } else {
                GRAIN - 1
            };
            assert!(block - size <= waste, "size {size}: block {block}");
            // The block is the largest size of its class, and one byte more is the next class.
            assert_eq!(class_of(block), (index, block), "size {size}");
            if block < MAX_REQUEST {
                assert_eq!(class_of(block + 1).0, index + 1, "size {size}");
            }
        }
        assert_eq!(class_of(MAX_REQUEST).0, CLASSES - 1);
        assert_eq!(class_of(129), (SMALL_CLASSES, 160));
        assert_eq!(class_of(256), (SMALL_CLASSES + 3, 256));
        assert_eq!(class_of(257), (SMALL_CLASSES + 4, 320));
    }

    #[test]
    fn a_freed_block_is_reused_by_its_class_only() {
        let mut heap = Heap::new(Buffer::new(64));
        let small = Layout::from_size_align(24, 8).unwrap();
        let other = Layout::from_size_align(200, 8).unwrap();
        unsafe {
            let a = heap.alloc(small);
            let b = heap.alloc(small);
            assert_ne!(a, b);
            assert_eq!(a as usize % GRAIN, 0);
            heap.dealloc(a, small);
            let c = heap.alloc(other);
            assert_ne!(c, a, "another class does not take the freed block");
            assert_eq!(heap.alloc(small), a, "its class does");
            assert_eq!(
                heap.alloc(Layout::from_size_align(17, 1).unwrap()) as usize % GRAIN,
                0
            );
        }
    }

    #[test]
    fn blocks_do_not_overlap_and_keep_their_contents() {
        let mut heap = Heap::new(Buffer::new(256));
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000u32 {
            let r = next();
            if live.len() > 200 || (r % 3 == 0 && !live.is_empty()) {
                let (ptr, layout, fill) = live.swap_remove((r as usize / 3) % live.len());
                let bytes = unsafe { core::slice::from_raw_parts(ptr, layout.size()) };
                assert!(
                    bytes.iter().all(|&b| b == fill),
                    "round {round}: block overwritten"
                );
                if r % 2 == 0 {
                    // Grow or shrink it, contents kept up to the smaller size.
                    let new_size = (next() % 5000 + 1) as usize;
                    let new = unsafe { heap.realloc(ptr, layout, new_size) };
                    let kept = layout.size().min(new_size);
                    let bytes = unsafe { core::slice::from_raw_parts(new, kept) };
                    assert!(
                        bytes.iter().all(|&b| b == fill),
                        "round {round}: realloc lost data"
                    );
                    let layout = Layout::from_size_align(new_size, layout.align()).unwrap();
                    unsafe { core::ptr::write_bytes(new, fill, new_size) };
                    live.push((new, layout, fill));
                } else {
                    unsafe { heap.dealloc(ptr, layout) };
                }
            } else {
                let size =
                    [(next() % 64 + 1) as usize, (next() % 3000 + 1) as usize][r as usize % 2];
                let align = [1, 4, 8, 16, 32, 128][(next() % 6) as usize];
                let layout = Layout::from_size_align(size, align).unwrap();
                let ptr = unsafe { heap.alloc(layout) };
                assert!(!ptr.is_null());
                assert_eq!(ptr as usize % align, 0, "round {round}: misaligned");
                let fill = (round % 251) as u8;
                unsafe { core::ptr::write_bytes(ptr, fill, size) };
                live.push((ptr, layout, fill));
            }
        }
    }

    #[test]
    fn a_steady_working_set_stops_growing_the_memory() {
        let mut heap = Heap::new(Buffer::new(64));
        let layouts: Vec<Layout> = (1..40)
            .map(|i| Layout::from_size_align(i * 37, 8).unwrap())
            .collect();
        for _ in 0..3 {
            let blocks: Vec<*mut u8> = layouts.iter().map(|&l| unsafe { heap.alloc(l) }).collect();
            for (&ptr, &layout) in blocks.iter().zip(&layouts) {
                unsafe { heap.dealloc(ptr, layout) };
            }
        }
        let grows = heap.source.grows;
        let used = heap.source.used;
        for _ in 0..1000 {
            let blocks: Vec<*mut u8> = layouts.iter().map(|&l| unsafe { heap.alloc(l) }).collect();
            for (&ptr, &layout) in blocks.iter().zip(&layouts) {
                unsafe { heap.dealloc(ptr, layout) };
            }
        }
        assert_eq!((heap.source.grows, heap.source.used), (grows, used));
    }

    #[test]
    fn a_request_larger_than_memory_is_refused_with_null() {
        let mut heap = Heap::new(Buffer::new(32));
        unsafe {
            assert!(heap
                .alloc(Layout::from_size_align(40 * PAGE, 8).unwrap())
                .is_null());
            assert!(heap
                .alloc(Layout::from_size_align(usize::MAX / 4, 8).unwrap())
                .is_null());
            // The heap still serves what fits.
            assert!(!heap
                .alloc(Layout::from_size_align(100, 8).unwrap())
                .is_null());
        }
    }

    #[test]
    fn memory_grown_elsewhere_in_between_starts_a_new_region() {
        let mut heap = Heap::new(Buffer::new(64));
        unsafe {
            let big = Layout::from_size_align(PAGE * MIN_GROW_PAGES - 64, 8).unwrap();
            let a = heap.alloc(big) as usize;
            // Someone else grows the memory by one page: the next region does not touch it.
            let foreign = heap.source.grow(1).unwrap();
            let b = heap.alloc(Layout::from_size_align(256, 8).unwrap()) as usize;
            assert!(
                b >= foreign + PAGE || b + 256 <= foreign,
                "{a:#x} {foreign:#x} {b:#x}"
            );
        }
    }
}
